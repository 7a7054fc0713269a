import type { User } from '@pag/contracts';
import { formatDate } from '../lib/format-date.ts';

export type UsersTableProps = {
  users: User[];
  /** The signed-in admin, marked "you". */
  currentUserId: string;
  /** The user whose role change is in flight (its button is disabled). */
  pendingRoleUserId: string | null;
  onChangeRole: (user: User, isAdmin: boolean) => void;
  onResetPassword: (user: User) => void;
  onDelete: (user: User) => void;
};

/** Every user with their role, and what an admin can do to each. */
export function UsersTable(props: UsersTableProps) {
  return (
    <div className="table-scroll">
      <table className="table users-table">
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col" className="hide-on-phone">
              Created
            </th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((user) => (
            <tr key={user.id}>
              <th scope="row" className="table-name">
                {user.email}
                {user.id === props.currentUserId ? <span className="muted"> (you)</span> : null}
              </th>
              <td>{user.isAdmin ? <span className="role-badge">Admin</span> : 'Member'}</td>
              <td className="hide-on-phone">
                <time dateTime={user.createdAt}>{formatDate(user.createdAt)}</time>
              </td>
              <td className="table-actions">
                <div className="button-row button-row-tight">
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-label={user.isAdmin ? `Make ${user.email} a member` : `Make ${user.email} an admin`}
                    disabled={props.pendingRoleUserId === user.id}
                    onClick={() => props.onChangeRole(user, !user.isAdmin)}
                  >
                    {user.isAdmin ? 'Make member' : 'Make admin'}
                  </button>
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    aria-label={`Reset the password of ${user.email}`}
                    onClick={() => props.onResetPassword(user)}
                  >
                    Reset password
                  </button>
                  <button
                    type="button"
                    className="button button-danger-quiet button-small"
                    aria-label={`Delete ${user.email}`}
                    onClick={() => props.onDelete(user)}
                  >
                    Delete
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
