import { describe, expect, it } from 'vitest';
import { complaintBody, emptyDraft, firstInvalid, validateComplaint, type ComplaintDraft } from './complaint-logic';

const filled = (over: Partial<ComplaintDraft> = {}): ComplaintDraft => ({
  ...emptyDraft(),
  name: '李女士',
  room: '3-1-502',
  phone: '138 0013 8000',
  title: '楼上漏水',
  description: '卫生间天花板滴水',
  ...over,
});

describe('complaint form', () => {
  it('starts as a phone call to the customer-service centre, normal priority', () => {
    expect(emptyDraft()).toMatchObject({ channel: 'phone', department: 'service', priority: 'normal' });
  });

  it('accepts a complete draft', () => {
    expect(validateComplaint(filled())).toEqual({});
  });

  it.each([
    { over: { name: '  ' }, field: 'name', error: 'required' },
    { over: { room: '' }, field: 'room', error: 'required' },
    { over: { commonArea: true, room: '' }, field: 'location', error: 'required' },
    { over: { commonArea: true, location: 'x'.repeat(41) }, field: 'location', error: 'tooLong' },
    { over: { phone: 'call me' }, field: 'phone', error: 'phone' },
    { over: { phone: '12' }, field: 'phone', error: 'phone' },
    { over: { title: 'x'.repeat(101) }, field: 'title', error: 'tooLong' },
    { over: { description: '' }, field: 'description', error: 'required' },
  ] as const)('$field: $error', ({ over, field, error }) => {
    expect(validateComplaint(filled(over))).toEqual({ [field]: error });
  });

  it('a common area needs no room number, only where it is', () => {
    expect(validateComplaint(filled({ commonArea: true, room: '', location: '5栋大堂' }))).toEqual({});
    expect(validateComplaint(filled({ commonArea: false, room: '', location: '5栋大堂' }))).toEqual({ room: 'required' });
    expect(complaintBody(filled({ commonArea: true, room: '3-1-502', location: ' 5栋大堂 ' })).reporter?.room).toBe('公共区域 · 5栋大堂');
    expect(complaintBody(filled({ commonArea: true, location: 'Lobby of block 5' }), 'Common area').reporter?.room).toBe('Common area · Lobby of block 5');
  });

  it('sends the focus to the first invalid field in form order', () => {
    expect(firstInvalid(validateComplaint(filled({ title: '', phone: '' })))).toBe('phone');
    expect(firstInvalid({})).toBeUndefined();
  });

  it('builds a complaint body with the reporter, trimmed', () => {
    expect(complaintBody(filled({ name: ' 李女士 ', channel: 'walk_in', department: 'engineering' }))).toEqual({
      source: 'complaint',
      title: '楼上漏水',
      description: '卫生间天花板滴水',
      department: 'engineering',
      priority: 'normal',
      channel: 'walk_in',
      reporter: { name: '李女士', room: '3-1-502', phone: '138 0013 8000' },
    });
  });
});
