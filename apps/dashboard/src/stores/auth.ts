import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { UserDto } from '@estate-watch/contracts';
import { api } from '../api/http';

// Issue 8 point 7: the session is the server's httpOnly cookie, which no page script can read;
// the store holds only who is signed in, learned from the login answer or, after a reload, from
// GET /api/auth/me (the cookie survives the reload, so a mid-shift reload does not sign out).
// The old localStorage entry, which held the token itself, is removed wherever it is found.
const LEGACY_STORAGE_KEY = 'estate-watch.session';

export const useAuthStore = defineStore('auth', () => {
  localStorage.removeItem(LEGACY_STORAGE_KEY);
  const user = ref<UserDto | null>(null);
  /** Set when the server said 401, or closed the live link on a sign-in that no longer holds. */
  const expired = ref(false);

  const signedIn = computed(() => user.value !== null);
  const isAdmin = computed(() => user.value?.role === 'admin');
  /** Supervisors and admins: clearing alerts by hand, the reports (the server's @Roles('supervisor')). */
  const isSupervisor = computed(() => user.value?.role === 'supervisor' || user.value?.role === 'admin');
  const canClear = isSupervisor;
  /** A patrol guard (巡更员): the phone page at /guard only. */
  const isGuard = computed(() => user.value?.role === 'guard');

  async function login(username: string, password: string): Promise<void> {
    user.value = (await api.login(username, password)).user;
    expired.value = false;
  }

  /** Forgets the user at once; the server clears the cookies (a failure there changes nothing here). */
  function logout(reason?: 'expired'): void {
    user.value = null;
    expired.value = reason === 'expired';
    void api.logout().catch(() => undefined);
  }

  /** Once at start-up: is the browser's session cookie still good? No answer means signed out. */
  async function restore(): Promise<void> {
    const me = await api.me().catch(() => null);
    const fresh = me && 'user' in me ? me.user : me;
    user.value = fresh && typeof fresh.username === 'string' ? fresh : null;
  }

  return { user, signedIn, canClear, isSupervisor, isAdmin, isGuard, expired, login, logout, restore };
});
