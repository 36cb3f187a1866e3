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
configureHttp({ onUnauthorized: () => auth.logout('expired') });

// Who is signed in is the server's to say (the session cookie is out of page scripts' reach),
// so the router starts once that answer is in.
void auth.restore().then(() => {
  app.use(router);
  // The live link exists exactly while someone is signed in.
  watch(
    () => auth.signedIn,
    (signedIn, previous) => {
      if (signedIn) startLive();
      else {
        stopLive();
        if (previous) void router.replace({ name: 'login' });
      }
    },
    { immediate: true },
  );
  app.mount('#app');
});
