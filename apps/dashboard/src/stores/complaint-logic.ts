// Pure rules of the complaint form (登记投诉): the draft, its checks (the same limits the
// server's CreateWorkOrderBodySchema applies, so a refusal never comes as a surprise) and the body.
import type { Channel, CreateWorkOrderBody, DepartmentId, Priority } from '@estate-watch/contracts';
import { defaultComplaintDepartment } from '@estate-watch/domain/default-department';

export interface ComplaintDraft {
  name: string;
  room: string;
  /** A common area (公共区域) has no room number: where it is goes in `location` instead. */
  commonArea: boolean;
  location: string;
  phone: string;
  channel: Channel;
  department: DepartmentId;
  priority: Priority;
  title: string;
  description: string;
}

export type ComplaintField = 'name' | 'room' | 'location' | 'phone' | 'title' | 'description';
/** i18n keys under `complaint.error`. */
export type ComplaintError = 'required' | 'tooLong' | 'phone';
export type ComplaintErrors = Partial<Record<ComplaintField, ComplaintError>>;

/** The form's field order: the first invalid one gets the focus. */
export const FIELD_ORDER: readonly ComplaintField[] = ['name', 'room', 'location', 'phone', 'title', 'description'];
/** `location` leaves room for the common-area word within the reporter's `room` (50, CONTRACT ReporterSchema). */
const MAX: Record<ComplaintField, number> = { name: 50, room: 50, location: 40, phone: 20, title: 100, description: 2000 };
/** CONTRACT ReporterSchema: 3–20 of digits, spaces, + - ( ). */
const PHONE = /^[0-9+\-() ]{3,20}$/;

/** `department`: the site's default for complaints (libs/domain default-department.ts: its customer-service centre, else its first). */
export function emptyDraft(department: DepartmentId = defaultComplaintDepartment([])): ComplaintDraft {
  // A phone call to the customer-service centre is the common case (issue 3).
  return { name: '', room: '', commonArea: false, location: '', phone: '', channel: 'phone', department, priority: 'normal', title: '', description: '' };
}

export function validateComplaint(draft: ComplaintDraft): ComplaintErrors {
  const errors: ComplaintErrors = {};
  for (const field of FIELD_ORDER) {
    if (field === (draft.commonArea ? 'room' : 'location')) continue;
    const value = draft[field].trim();
    if (!value) errors[field] = 'required';
    else if (value.length > MAX[field]) errors[field] = 'tooLong';
    else if (field === 'phone' && !PHONE.test(value)) errors[field] = 'phone';
  }
  return errors;
}

export function firstInvalid(errors: ComplaintErrors): ComplaintField | undefined {
  return FIELD_ORDER.find((f) => errors[f]);
}

/**
 * `commonAreaWord`: 公共区域 / Common area in the operator's language; a common area's `room` is
 * that word and the location, as the operator reads it back to the caller.
 */
export function complaintBody(draft: ComplaintDraft, commonAreaWord = '公共区域'): CreateWorkOrderBody {
  const room = draft.commonArea ? `${commonAreaWord} · ${draft.location.trim()}` : draft.room.trim();
  return {
    source: 'complaint',
    title: draft.title.trim(),
    description: draft.description.trim(),
    department: draft.department,
    priority: draft.priority,
    channel: draft.channel,
    reporter: { name: draft.name.trim(), room, phone: draft.phone.trim() },
  };
}
