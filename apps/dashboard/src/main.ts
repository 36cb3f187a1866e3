import { createPinia } from 'pinia';
import { createApp, watch } from 'vue';
import App from './App.vue';
import { configureHttp } from './api/http';
import { i18n } from './i18n';
import { startLive, stopLive } from './realtime/socket';
import { router } from './router';
import { useAuthStore } from './stores/auth';
import './styles.css';

const app = createApp(App).use(createPinia()).use(i18n);
const auth = useAuthStore();
configureHttp({ token: () => auth.token, onUnauthorized: () => auth.logout('expired') });
app.use(router);

// The live link exists exactly while someone is signed in.
watch(
  () => auth.token,
  (token, previous) => {
    if (token) startLive();
    else {
      stopLive();
      if (previous) void router.replace({ name: 'login' });
    }
  },
  { immediate: true },
);
void auth.verify();

app.mount('#app');
