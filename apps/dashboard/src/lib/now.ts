// One shared clock for the whole page, so relative times and the banner's "for 2m 13s" move
// together without a timer per row.
import { readonly, ref } from 'vue';

const second = ref(Date.now());
const tenSeconds = ref(Date.now());
setInterval(() => {
  second.value = Date.now();
  if (second.value - tenSeconds.value >= 10_000) tenSeconds.value = second.value;
}, 1000);

/** Ticks every second: the connection banner. */
export const nowEachSecond = readonly(second);
/** Ticks every ten seconds: relative times in lists, where a per-second re-render buys nothing. */
export const nowCoarse = readonly(tenSeconds);
