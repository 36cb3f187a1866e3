import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { LoginResponse, UserDto } from '@estate-watch/contracts';
import { api } from '../api/http';

const STORAGE_KEY = 'estate-watch.session';

function loadSession(): LoginResponse | null {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as LoginResponse | null;
    return parsed && typeof parsed.token === 'string' && parsed.user ? parsed : null;
  } catch {
    return null;
  }
}

/** The signed-in user. Kept in localStorage so a reload mid-shift does not sign the operator out. */
export const useAuthStore = defineStore('auth', () => {
  const session = ref<LoginResponse | null>(loadSession());
  /** Set when the server said 401: the login page explains why the operator is back there. */
  const expired = ref(false);

  const token = computed(() => session.value?.token ?? null);
  const user = computed<UserDto | null>(() => session.value?.user ?? null);
  /** Supervisors and admins: clearing alerts by hand, the reports (the server's @Roles('supervisor')). */
  const isSupervisor = computed(() => user.value?.role === 'supervisor' || user.value?.role === 'admin');
  const canClear = isSupervisor;

  function save(next: LoginResponse | null): void {
    session.value = next;
    if (next) localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    else localStorage.removeItem(STORAGE_KEY);
  }

  async function login(username: string, password: string): Promise<void> {
    save(await api.login(username, password));
    expired.value = false;
  }

  function logout(reason?: 'expired'): void {
    save(null);
    expired.value = reason === 'expired';
  }

  /** Checks a remembered token once at start-up; a 401 lands in `logout('expired')`. */
  async function verify(): Promise<void> {
    if (!session.value) return;
    const me = await api.me().catch(() => null);
    const fresh = me && 'user' in me ? me.user : me;
    if (fresh && session.value && typeof fresh.username === 'string') save({ ...session.value, user: fresh });
  }

  return { token, user, canClear, isSupervisor, expired, login, logout, verify };
});
