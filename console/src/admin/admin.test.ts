import { describe, expect, it } from 'vitest';
import type { AdminUser } from '@counterwatch/shared';
import { checklistProblems, moveItem, slugify, uniqueId } from './checklist';
import { createBody, emptyUserForm, formFromUser, updateBody, userFormProblems } from './userForm';

const user: AdminUser = {
  id: 7,
  username: 'truongphong',
  displayName: 'Trưởng phòng',
  roles: ['head'],
  departmentIds: ['hk'],
  disabled: false,
  createdAt: 1,
};

describe('user form', () => {
  it('asks for a username, a name, a role, and a department for a head', () => {
    expect(userFormProblems(emptyUserForm, true).sort()).toEqual(['displayName', 'roles', 'username']);
    const head = { ...emptyUserForm, username: 'tp.hk', displayName: 'TP', roles: ['head' as const] };
    expect(userFormProblems(head, true)).toEqual(['departments']);
    expect(userFormProblems({ ...head, departmentIds: ['hk'] }, true)).toEqual([]);
    expect(userFormProblems({ ...head, username: 'Bad Name' }, true)).toContain('username');
  });

  it('sends null for every department', () => {
    expect(
      createBody({
        ...emptyUserForm,
        username: ' tt ',
        displayName: 'Thanh tra',
        roles: ['inspector'],
        allDepartments: true,
      }),
    ).toEqual({ username: 'tt', displayName: 'Thanh tra', roles: ['inspector'], departmentIds: null });
  });

  it('patches only what changed', () => {
    expect(updateBody(formFromUser(user), user)).toEqual({});
    expect(updateBody({ ...formFromUser(user), departmentIds: ['xe', 'hk'] }, user)).toEqual({
      departmentIds: ['hk', 'xe'],
    });
    expect(
      updateBody({ ...formFromUser(user), roles: ['head', 'inspector'], allDepartments: true }, user),
    ).toEqual({
      roles: ['head', 'inspector'],
      departmentIds: null,
    });
  });
});

describe('checklist editing', () => {
  it('makes ids from Vietnamese text', () => {
    expect(slugify('Chào hỏi, thái độ niềm nở')).toBe('chao-hoi-thai-do-niem-no');
    expect(slugify('Đeo phù hiệu')).toBe('deo-phu-hieu');
    expect(slugify('x'.repeat(60))).toHaveLength(40);
    expect(uniqueId('greeting', ['greeting', 'greeting-2'])).toBe('greeting-3');
    expect(uniqueId('', [])).toBe('muc');
  });

  it('moves items within bounds', () => {
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
  });

  it('finds bad ids, blank texts and duplicates', () => {
    const problems = checklistProblems([
      { id: 'ok', vi: 'Được', en: 'Fine' },
      { id: 'Bad Id', vi: '', en: 'x' },
      { id: 'ok', vi: 'Lặp', en: 'Dup' },
    ]);
    expect(problems.get(0)).toBeUndefined();
    expect(problems.get(1)?.sort()).toEqual(['id', 'vi']);
    expect(problems.get(2)).toEqual(['duplicate']);
  });
});
