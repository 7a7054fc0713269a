import { z } from 'zod';
import { emailSchema, passwordSchema, userSchema } from './auth.ts';

// The admin-only API (`/api/admin/*`): session of a user whose role is admin, CSRF on writes. Members get 403.

/** `GET /api/admin/users`: every gateway user, oldest first. */
export const adminUserListSchema = z.object({ users: z.array(userSchema) });
export type AdminUserList = z.infer<typeof adminUserListSchema>;

/** `POST /api/admin/users` (201 `User`): a new user with an initial password they can be told out of band. */
export const createUserRequestSchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  isAdmin: z.boolean().default(false),
});
export type CreateUserRequest = z.input<typeof createUserRequestSchema>;

/** `PATCH /api/admin/users/:id` (200 `User`): the user's role. The last admin cannot be made a member. */
export const updateUserRoleRequestSchema = z.object({ isAdmin: z.boolean() });
export type UpdateUserRoleRequest = z.infer<typeof updateUserRoleRequestSchema>;

/** `PUT /api/admin/users/:id/password` (204): a new password; every session of that user ends. */
export const resetUserPasswordRequestSchema = z.object({ password: passwordSchema });
export type ResetUserPasswordRequest = z.infer<typeof resetUserPasswordRequestSchema>;

/** `GET`/`PATCH /api/admin/operator-settings`: settings of the whole gateway, kept in its database. */
export const operatorSettingsSchema = z.object({
  /**
   * Lets users' upstream base URLs use plain http and reach loopback, private, link-local, unique-local and
   * carrier-grade NAT addresses (Ollama or LM Studio on this host or network). Off by default; cloud metadata
   * addresses stay refused either way.
   */
  allowPrivateUpstreams: z.boolean(),
});
export type OperatorSettings = z.infer<typeof operatorSettingsSchema>;
export const updateOperatorSettingsRequestSchema = operatorSettingsSchema.partial();
export type UpdateOperatorSettingsRequest = z.infer<typeof updateOperatorSettingsRequestSchema>;
