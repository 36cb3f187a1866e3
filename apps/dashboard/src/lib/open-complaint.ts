// The complaint form opens from anywhere: the top bar's 登记投诉 button and the N key.
// It lives on the work-order board (?new), over the order that is selected, if any.
import type { Router } from 'vue-router';

export function openComplaintForm(router: Router): void {
  const current = router.currentRoute.value;
  const path = current.name === 'work-orders' ? current.path : '/work-orders';
  void router.push({ path, query: { new: '1' } });
}

/** N opens the form, unless the operator is typing somewhere or holds a modifier. */
export function isComplaintShortcut(event: KeyboardEvent): boolean {
  if (event.key !== 'n' && event.key !== 'N') return false;
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || event.defaultPrevented) return false;
  const target = event.target as HTMLElement | null;
  if (!target) return true;
  return !(target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}
