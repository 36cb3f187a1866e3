// The overview tab (issue 12 point 6). Same shape as overview.zh-CN.ts, merged in index.ts.
export default {
  overview: {
    tab: 'Overview',
    plan: 'Site plan',
    noPlan: 'The site file has no plan:, so devices are drawn by their x/y on a blank background.',
    unplaced: 'Devices without a place',
    needsPerson: 'Needs a person now',
    unacked: 'Unacknowledged alerts',
    escalated: 'Escalated work orders',
    rounds: 'Rounds in progress',
    lotsFull: 'Lots near full',
    noneUnacked: 'No unacknowledged alerts. When a device raises one it shows here and pulses on the plan.',
    noneEscalated: 'No escalated work orders. An order past its department deadline shows here.',
    noneRounds: 'No round in progress. Its progress shows here once a round starts.',
    noneLots: 'Every lot has room (shown here from 90 %).',
    visited: '{done}/{all} checkpoints',
    occupancy: '{n}/{cap}',
    state: { ok: 'OK', alert: 'Alert', offline: 'Offline', unknown: 'No data yet' },
    openAlerts: '{n} open alerts',
    details: 'Details',
    legend: 'Legend',
  },
} as const;
