// Issue 12.10: a light theme for day shifts beside the dark one, remembered per user. Kept in this
// browser's storage keyed by username: a display preference needs no server round trip, no schema
// change and no call before the first paint; a user who moves to another desk picks it once more.
import { ref, watch } from 'vue';
import { useAuthStore } from '../stores/auth';

export const THEMES = ['dark', 'light'] as const;
export type Theme = (typeof THEMES)[number];
const key = (user: string) => `estate-watch.theme.${user}`;

export const theme = ref<Theme>('dark');

function apply(next: Theme): void {
  theme.value = next;
  document.documentElement.dataset.theme = next;
}

/** Follows the signed-in user: their theme when they sign in, dark (the control room's) on the sign-in page. */
export function followUserTheme(): void {
  const auth = useAuthStore();
  watch(
    () => auth.user?.username,
    (user) => apply(user && localStorage.getItem(key(user)) === 'light' ? 'light' : 'dark'),
    { immediate: true },
  );
}

export function setTheme(next: Theme): void {
  const user = useAuthStore().user?.username;
  if (user) localStorage.setItem(key(user), next);
  apply(next);
}
