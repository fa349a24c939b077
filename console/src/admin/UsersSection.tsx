import { useState, type SyntheticEvent } from 'react';
import { z } from 'zod';
import {
  CreatedUserSchema,
  ROLES,
  type AdminUser,
  type DirectoryAdminSchema,
  type Role,
  UserListSchema,
  UserResponseSchema,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest } from '../api/http';
import { useApiQuery } from '../api/useApiQuery';
import { formatDateTime, useT } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { useStore } from '../store/store';
import { ConfirmButton } from './ConfirmButton';
import { SecretBox } from './SecretBox';
import {
  createBody,
  emptyUserForm,
  formFromUser,
  updateBody,
  userFormProblems,
  type UserForm,
  type UserFormProblem,
} from './userForm';

type Directory = z.infer<typeof DirectoryAdminSchema>;

type Editing = { mode: 'create' } | { mode: 'edit'; user: AdminUser } | null;

/** Accounts: list, create (password shown once), edit roles and scope, disable, reset password. */
export function UsersSection({ directory }: { directory: Directory | null }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const me = useStore((s) => s.user);
  const users = useApiQuery('/api/v1/admin/users', UserListSchema);
  const [editing, setEditing] = useState<Editing>(null);
  const [secret, setSecret] = useState<{ username: string; password: string } | null>(null);
  const [busyId, setBusyId] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const departmentName = (id: string): string => directory?.departments.find((d) => d.id === id)?.name ?? id;

  const replace = (user: AdminUser): void => {
    const list = users.data?.users ?? [];
    users.setData({
      users: list.some((u) => u.id === user.id)
        ? list.map((u) => (u.id === user.id ? user : u))
        : [...list, user],
    });
  };

  const act = (user: AdminUser, run: () => Promise<void>): void => {
    setBusyId(user.id);
    setError(null);
    run()
      .catch((e: unknown) => setError(describeError(lang, e)))
      .finally(() => setBusyId(null));
  };

  const setDisabled = (user: AdminUser, disabled: boolean): void =>
    act(user, async () => {
      const r = await apiRequest('PATCH', `/api/v1/admin/users/${user.id}`, UserResponseSchema, { disabled });
      replace(r.user);
    });

  const resetPassword = (user: AdminUser): void =>
    act(user, async () => {
      const r = await apiRequest(
        'POST',
        `/api/v1/admin/users/${user.id}/reset-password`,
        CreatedUserSchema,
        {},
      );
      setSecret({ username: r.user.username, password: r.password });
    });

  const list = users.data?.users ?? [];
  const shownError = error ?? (users.error !== null ? describeError(lang, users.error) : null);
  return (
    <section aria-labelledby="users-title" className="admin-section">
      <header className="section-header">
        <h3 id="users-title" className="section-title">
          {t('admin.users.title')}
        </h3>
        <button
          type="button"
          className="primary"
          data-action="create-user"
          onClick={() => setEditing({ mode: 'create' })}
        >
          {t('admin.users.create')}
        </button>
      </header>

      {secret && (
        <SecretBox
          label={t('admin.users.password', { username: secret.username })}
          secret={secret.password}
          onDismiss={() => setSecret(null)}
        />
      )}

      {editing && (
        <UserEditor
          key={editing.mode === 'edit' ? editing.user.id : 'new'}
          editing={editing}
          directory={directory}
          isSelf={editing.mode === 'edit' && editing.user.id === me?.id}
          onCancel={() => setEditing(null)}
          onSaved={(user, password) => {
            // The server ends the changed account's sessions, ours included: log in again.
            if (user.id === me?.id) {
              window.location.assign('/');
              return;
            }
            replace(user);
            setEditing(null);
            if (password !== null) setSecret({ username: user.username, password });
          }}
        />
      )}

      {shownError !== null && (
        <p className="error" role="alert">
          {shownError}
        </p>
      )}
      <div className="table-scroll">
        <table className="data-table" aria-busy={users.loading}>
          <caption className="visually-hidden">{t('admin.users.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.users.username')}</th>
              <th scope="col">{t('admin.users.displayName')}</th>
              <th scope="col">{t('admin.users.roles')}</th>
              <th scope="col">{t('admin.users.departments')}</th>
              <th scope="col">{t('admin.users.state')}</th>
              <th scope="col">{t('admin.users.created')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('pressure.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((u) => {
              const self = u.id === me?.id;
              return (
                <tr
                  key={u.id}
                  data-user-id={u.id}
                  data-username={u.username}
                  data-disabled={u.disabled}
                  className={u.disabled ? 'disabled-row' : undefined}
                >
                  <th scope="row" className="mono">
                    {u.username}
                    {self && <span className="muted"> ({t('admin.you')})</span>}
                  </th>
                  <td>{u.displayName}</td>
                  <td>{u.roles.map((r) => t(`role.${r}`)).join(', ')}</td>
                  <td>
                    {u.departmentIds === null
                      ? t('admin.users.allDepartments')
                      : u.departmentIds.map(departmentName).join(', ') || '–'}
                  </td>
                  <td>
                    <span className={`chip ${u.disabled ? 'chip-fail' : 'chip-pass'}`}>
                      {u.disabled ? t('admin.users.disabled') : t('admin.users.active')}
                    </span>
                  </td>
                  <td>{formatDateTime(lang, u.createdAt)}</td>
                  <td>
                    <div className="row-actions">
                      <button
                        type="button"
                        data-action="edit-user"
                        disabled={busyId === u.id}
                        onClick={() => setEditing({ mode: 'edit', user: u })}
                      >
                        {t('admin.edit')}
                      </button>
                      {u.disabled ? (
                        <button
                          type="button"
                          data-action="enable-user"
                          disabled={busyId === u.id}
                          onClick={() => setDisabled(u, false)}
                        >
                          {t('admin.users.enable')}
                        </button>
                      ) : (
                        // Disabling yourself would lock the last admin out: not offered.
                        !self && (
                          <ConfirmButton
                            action="disable-user"
                            label={t('admin.users.disable')}
                            question={t('admin.users.disableQuestion', { username: u.username })}
                            busy={busyId === u.id}
                            onConfirm={() => setDisabled(u, true)}
                          />
                        )
                      )}
                      <ConfirmButton
                        action="reset-password"
                        label={t('admin.users.resetPassword')}
                        question={t('admin.users.resetQuestion', { username: u.username })}
                        busy={busyId === u.id}
                        onConfirm={() => resetPassword(u)}
                      />
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const PROBLEM_TEXT: Record<UserFormProblem, MessageKey> = {
  username: 'admin.users.badUsername',
  displayName: 'admin.users.badDisplayName',
  roles: 'admin.users.badRoles',
  departments: 'admin.users.badDepartments',
};

function UserEditor({
  editing,
  directory,
  isSelf,
  onCancel,
  onSaved,
}: {
  editing: NonNullable<Editing>;
  directory: Directory | null;
  isSelf: boolean;
  onCancel: () => void;
  onSaved: (user: AdminUser, password: string | null) => void;
}) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const creating = editing.mode === 'create';
  const [form, setForm] = useState<UserForm>(creating ? emptyUserForm : formFromUser(editing.user));
  const [problems, setProblems] = useState<UserFormProblem[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const departments = directory?.departments ?? [];

  const toggleRole = (role: Role, on: boolean): void =>
    setForm((f) => ({ ...f, roles: on ? [...f.roles, role] : f.roles.filter((r) => r !== role) }));
  const toggleDepartment = (id: string, on: boolean): void =>
    setForm((f) => ({
      ...f,
      departmentIds: on ? [...f.departmentIds, id] : f.departmentIds.filter((d) => d !== id),
    }));

  const submit = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const found = userFormProblems(form, creating);
    setProblems(found);
    if (found.length > 0) return;
    setBusy(true);
    setError(null);
    const request =
      editing.mode === 'create'
        ? apiRequest('POST', '/api/v1/admin/users', CreatedUserSchema, createBody(form)).then((r) =>
            onSaved(r.user, r.password),
          )
        : apiRequest(
            'PATCH',
            `/api/v1/admin/users/${editing.user.id}`,
            UserResponseSchema,
            updateBody(form, editing.user),
          ).then((r) => onSaved(r.user, null));
    request.catch((e: unknown) => setError(describeError(lang, e))).finally(() => setBusy(false));
  };

  const problem = (p: UserFormProblem): string | null => (problems.includes(p) ? t(PROBLEM_TEXT[p]) : null);
  const fieldError = (p: UserFormProblem) =>
    problem(p) && (
      <span className="error field-error" id={`user-${p}-error`}>
        {problem(p)}
      </span>
    );

  return (
    <form
      className="panel-box user-editor"
      onSubmit={submit}
      noValidate
      aria-labelledby="user-editor-title"
      data-form={creating ? 'create-user' : 'edit-user'}
    >
      <h4 id="user-editor-title" className="subsection-title">
        {creating ? t('admin.users.create') : t('admin.users.editTitle', { username: editing.user.username })}
      </h4>
      {isSelf && <p className="notice">{t('admin.users.selfWarning')}</p>}
      {!creating && <p className="muted small">{t('admin.users.editNote')}</p>}
      <div className="form-grid">
        {creating && (
          <label className="field">
            {t('admin.users.username')}
            <input
              name="username"
              autoComplete="off"
              value={form.username}
              maxLength={40}
              aria-invalid={problems.includes('username') || undefined}
              aria-describedby={problems.includes('username') ? 'user-username-error' : undefined}
              onChange={(e) => setForm({ ...form, username: e.target.value.toLowerCase() })}
            />
            <span className="muted small">{t('admin.users.usernameHint')}</span>
            {fieldError('username')}
          </label>
        )}
        <label className="field">
          {t('admin.users.displayName')}
          <input
            name="displayName"
            autoComplete="off"
            value={form.displayName}
            maxLength={120}
            aria-invalid={problems.includes('displayName') || undefined}
            aria-describedby={problems.includes('displayName') ? 'user-displayName-error' : undefined}
            onChange={(e) => setForm({ ...form, displayName: e.target.value })}
          />
          {fieldError('displayName')}
        </label>
      </div>
      <fieldset
        className="checkbox-group"
        aria-describedby={problems.includes('roles') ? 'user-roles-error' : undefined}
      >
        <legend>{t('admin.users.roles')}</legend>
        {ROLES.map((role) => (
          <label key={role} className="checkbox">
            <input
              type="checkbox"
              name="roles"
              value={role}
              data-role={role}
              checked={form.roles.includes(role)}
              onChange={(e) => toggleRole(role, e.target.checked)}
            />
            <span>
              {t(`role.${role}`)} <span className="muted small">— {t(`role.${role}.explain`)}</span>
            </span>
          </label>
        ))}
        {fieldError('roles')}
      </fieldset>
      <fieldset
        className="checkbox-group"
        aria-describedby={problems.includes('departments') ? 'user-departments-error' : undefined}
      >
        <legend>{t('admin.users.departments')}</legend>
        <label className="checkbox">
          <input
            type="checkbox"
            name="allDepartments"
            data-department-option="all"
            checked={form.allDepartments}
            onChange={(e) => setForm({ ...form, allDepartments: e.target.checked })}
          />
          {t('admin.users.allDepartments')}
        </label>
        {!form.allDepartments &&
          departments.map((d) => (
            <label key={d.id} className="checkbox">
              <input
                type="checkbox"
                name="departmentIds"
                value={d.id}
                data-department-option={d.id}
                checked={form.departmentIds.includes(d.id)}
                onChange={(e) => toggleDepartment(d.id, e.target.checked)}
              />
              {d.name} <span className="muted mono small">{d.id}</span>
            </label>
          ))}
        <span className="muted small">{t('admin.users.departmentsHint')}</span>
        {fieldError('departments')}
      </fieldset>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row-actions">
        <button type="submit" className="primary" data-action="save-user" disabled={busy}>
          {creating ? t('admin.users.createSubmit') : t('admin.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
