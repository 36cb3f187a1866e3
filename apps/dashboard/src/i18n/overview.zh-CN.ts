// 总览页（issue 12 point 6）。与 overview.en.ts 同结构，由 index.ts 并入。
export default {
  overview: {
    tab: '总览',
    plan: '小区平面图',
    noPlan: '场地配置文件没有 plan:，设备按坐标画在空白底图上。',
    unplaced: '未标注位置的设备',
    needsPerson: '需要处理',
    unacked: '未确认告警',
    escalated: '已超时工单',
    rounds: '进行中的巡更',
    lotsFull: '接近满位的车场',
    noneUnacked: '没有未确认的告警。设备一旦报警，会在这里和平面图上闪烁。',
    noneEscalated: '没有超时工单。工单超过部门时限时显示在这里。',
    noneRounds: '当前没有进行中的巡更轮次。轮次开始后显示进度。',
    noneLots: '各车场都还有空位（≥ 90% 时显示）。',
    visited: '{done}/{all} 点',
    occupancy: '{n}/{cap}',
    state: { ok: '正常', alert: '告警', offline: '离线', unknown: '尚无数据' },
    openAlerts: '{n} 条未结告警',
    details: '查看详情',
    legend: '图例',
  },
} as const;
