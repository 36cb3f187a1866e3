import { createRouter, createWebHistory } from 'vue-router';
import AlertsPage from './pages/AlertsPage.vue';
import AuditPage from './pages/AuditPage.vue';
import ConsumablesPage from './pages/ConsumablesPage.vue';
import DevicesPage from './pages/DevicesPage.vue';
import EquipmentPage from './pages/EquipmentPage.vue';
import GuardPage from './pages/GuardPage.vue';
import LoginPage from './pages/LoginPage.vue';
import OverviewPage from './pages/OverviewPage.vue';
import ParkingPage from './pages/ParkingPage.vue';
import PatrolPage from './pages/PatrolPage.vue';
import ReportsPage from './pages/ReportsPage.vue';
import UsersPage from './pages/UsersPage.vue';
import WorkOrdersPage from './pages/WorkOrdersPage.vue';
import { useAuthStore } from './stores/auth';

// History-mode URLs: the server answers every non-API GET (/alerts/<id>, /work-orders/<id>, …) with index.html.
export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/', redirect: '/alerts' },
    { path: '/login', name: 'login', component: LoginPage, meta: { public: true } },
    // The guards' phone page (issue 12 point 8): its own layout (meta.bare: no control-room top bar), role guard only.
    { path: '/guard', name: 'guard', component: GuardPage, meta: { bare: true, guard: true } },
    { path: '/overview', name: 'overview', component: OverviewPage },
    { path: '/alerts/:id?', name: 'alerts', component: AlertsPage },
    { path: '/work-orders/:id?', name: 'work-orders', component: WorkOrdersPage },
    { path: '/patrol', name: 'patrol', component: PatrolPage },
    { path: '/parking', name: 'parking', component: ParkingPage },
    { path: '/consumables', name: 'consumables', component: ConsumablesPage },
    // Supervisors and admins only: the server answers 403 to anyone else, and the tab is not shown.
    { path: '/reports', name: 'reports', component: ReportsPage, meta: { supervisor: true } },
    { path: '/equipment/:id?', name: 'equipment', component: EquipmentPage },
    { path: '/devices', name: 'devices', component: DevicesPage },
    // Admins only (issue 8 point 9): the server answers 403 to anyone else, and the tab is not shown.
    { path: '/audit', name: 'audit', component: AuditPage, meta: { admin: true } },
    { path: '/users', name: 'users', component: UsersPage, meta: { admin: true } },
    { path: '/:pathMatch(.*)*', redirect: '/alerts' },
  ],
});

router.beforeEach((to) => {
  const auth = useAuthStore();
  if (!to.meta.public && !auth.signedIn) return { name: 'login', query: to.fullPath === '/alerts' ? {} : { next: to.fullPath } };
  // A guard has the phone page and nothing else; the control room has everything but it.
  if (auth.isGuard && !to.meta.public && !to.meta.guard) return { path: '/guard' };
  if (to.meta.guard && auth.signedIn && !auth.isGuard) return { path: '/alerts' };
  if (to.name === 'login' && auth.signedIn) return { path: auth.isGuard ? '/guard' : '/alerts' };
  if (to.meta.supervisor && !auth.isSupervisor) return { path: '/alerts' };
  if (to.meta.admin && !auth.isAdmin) return { path: '/alerts' };
  return true;
});
