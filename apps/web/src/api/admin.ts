import {
  adminUserListSchema,
  type CreateUserRequest,
  type OperatorSettings,
  operatorSettingsSchema,
  type User,
  userSchema,
} from '@pag/contracts';
import { requestApi } from './request-api.ts';

// The admin-only API (`/api/admin/*`); members are answered 403.

/** `GET /api/admin/users`: every user, oldest first. */
export async function listUsers(signal?: AbortSignal): Promise<User[]> {
  return (await requestApi({ path: '/api/admin/users', schema: adminUserListSchema, signal })).users;
}

/** `POST /api/admin/users`: a new user with an initial password. */
export function createUser(options: { request: CreateUserRequest; csrfToken: string | null }): Promise<User> {
  return requestApi({
    method: 'POST',
    path: '/api/admin/users',
    body: options.request,
    csrfToken: options.csrfToken,
    schema: userSchema,
  });
}

/** `PATCH /api/admin/users/:id`: admin or member; the server keeps the last admin. */
export function setUserRole(options: { id: string; isAdmin: boolean; csrfToken: string | null }): Promise<User> {
  return requestApi({
    method: 'PATCH',
    path: `/api/admin/users/${encodeURIComponent(options.id)}`,
    body: { isAdmin: options.isAdmin },
    csrfToken: options.csrfToken,
    schema: userSchema,
  });
}

/** `PUT /api/admin/users/:id/password`: signs the user out everywhere. */
export function resetUserPassword(options: { id: string; password: string; csrfToken: string | null }): Promise<void> {
  return requestApi({
    method: 'PUT',
    path: `/api/admin/users/${encodeURIComponent(options.id)}/password`,
    body: { password: options.password },
    csrfToken: options.csrfToken,
  });
}

/** `DELETE /api/admin/users/:id`: with their sessions, keys and connections. */
export function deleteUser(options: { id: string; csrfToken: string | null }): Promise<void> {
  return requestApi({
    method: 'DELETE',
    path: `/api/admin/users/${encodeURIComponent(options.id)}`,
    csrfToken: options.csrfToken,
  });
}

/** `GET /api/admin/operator-settings`. */
export function getOperatorSettings(signal?: AbortSignal): Promise<OperatorSettings> {
  return requestApi({ path: '/api/admin/operator-settings', schema: operatorSettingsSchema, signal });
}

/** `PATCH /api/admin/operator-settings`. */
export function updateOperatorSettings(options: {
  changes: Partial<OperatorSettings>;
  csrfToken: string | null;
}): Promise<OperatorSettings> {
  return requestApi({
    method: 'PATCH',
    path: '/api/admin/operator-settings',
    body: options.changes,
    csrfToken: options.csrfToken,
    schema: operatorSettingsSchema,
  });
}
