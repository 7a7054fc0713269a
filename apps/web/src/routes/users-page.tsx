import type { User } from '@pag/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { createUser, deleteUser, listUsers, resetUserPassword, setUserRole } from '../api/admin.ts';
import { queryKeys } from '../api/query-keys.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { CreateUserForm } from '../components/create-user-form.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { NoticeBanner } from '../components/notice-banner.tsx';
import { ResetPasswordDialog } from '../components/reset-password-dialog.tsx';
import { UsersTable } from '../components/users-table.tsx';
import { useSession } from '../hooks/use-session.ts';

/** Admins only: the gateway's users, their roles and passwords (the server refuses members with 403). */
export function UsersPage() {
  const queryClient = useQueryClient();
  const session = useSession().data;
  const csrfToken = session?.csrfToken ?? null;
  const currentUserId = session?.user?.id ?? '';
  const [userToReset, setUserToReset] = useState<User | null>(null);
  const [userToDelete, setUserToDelete] = useState<User | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const listTitleRef = useRef<HTMLHeadingElement>(null);

  const users = useQuery({ queryKey: queryKeys.adminUsers, queryFn: ({ signal }) => listUsers(signal) });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.adminUsers });
    // The signed-in admin's own role may have changed: the navigation follows the session.
    void queryClient.invalidateQueries({ queryKey: queryKeys.session });
  };

  const create = useMutation({
    mutationFn: createUser,
    onSuccess: (created) => {
      setNotice(`Created ${created.email}. Tell them their initial password privately.`);
      refresh();
    },
  });
  const changeRole = useMutation({
    mutationFn: setUserRole,
    onSuccess: (updated) => {
      setNotice(`${updated.email} is now ${updated.isAdmin ? 'an admin' : 'a member'}.`);
      refresh();
    },
  });
  const reset = useMutation({
    mutationFn: resetUserPassword,
    onSuccess: () => {
      setNotice(`Password of ${userToReset?.email ?? 'the user'} reset; they were signed out everywhere.`);
      setUserToReset(null);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: deleteUser,
    onSuccess: () => {
      setNotice(`Deleted ${userToDelete?.email ?? 'the user'}.`);
      setUserToDelete(null);
      refresh();
    },
  });

  return (
    <div className="page">
      <header className="page-header">
        <h1 className="page-title">Users</h1>
        <p className="page-description">
          People who sign in to this gateway. Members manage their own connections, keys and apps; admins also manage
          users and the operator settings.
        </p>
      </header>

      {notice == null ? null : <NoticeBanner>{notice}</NoticeBanner>}

      <section className="card" aria-labelledby="create-user-title">
        <h2 id="create-user-title" className="card-title">
          Add a user
        </h2>
        <CreateUserForm
          isPending={create.isPending}
          error={create.error}
          onCreate={(request) => create.mutateAsync({ request, csrfToken })}
        />
      </section>

      <section className="card card-flush" aria-labelledby="user-list-title" aria-busy={users.isFetching}>
        <div className="card-header">
          <h2 id="user-list-title" className="card-title" ref={listTitleRef} tabIndex={-1}>
            All users
          </h2>
          {users.data == null ? null : (
            <span className="count-badge">
              {users.data.length} {users.data.length === 1 ? 'user' : 'users'}
            </span>
          )}
        </div>
        {users.isPending ? <LoadingState label="Loading users…" /> : null}
        {users.isError ? (
          <div className="card-padding">
            <ErrorBanner title="Could not load the users" error={users.error} />
          </div>
        ) : null}
        {changeRole.error == null ? null : (
          <div className="card-padding">
            <ErrorBanner title="Could not change the role" error={changeRole.error} />
          </div>
        )}
        {users.data == null ? null : (
          <UsersTable
            users={users.data}
            currentUserId={currentUserId}
            pendingRoleUserId={changeRole.isPending ? (changeRole.variables?.id ?? null) : null}
            onChangeRole={(user, isAdmin) => changeRole.mutate({ id: user.id, isAdmin, csrfToken })}
            onResetPassword={(user) => {
              reset.reset();
              setUserToReset(user);
            }}
            onDelete={(user) => {
              remove.reset();
              setUserToDelete(user);
            }}
          />
        )}
      </section>

      <ResetPasswordDialog
        user={userToReset}
        isPending={reset.isPending}
        error={reset.error}
        onReset={(password) => {
          if (userToReset != null) reset.mutate({ id: userToReset.id, password, csrfToken });
        }}
        onCancel={() => setUserToReset(null)}
      />

      <ConfirmDialog
        isOpen={userToDelete != null}
        title="Delete this user?"
        confirmLabel="Delete"
        pendingLabel="Deleting…"
        isPending={remove.isPending}
        fallbackFocusRef={listTitleRef}
        error={remove.error}
        onConfirm={() => {
          if (userToDelete != null) remove.mutate({ id: userToDelete.id, csrfToken });
        }}
        onCancel={() => setUserToDelete(null)}
      >
        <p>
          <strong>{userToDelete?.email}</strong> is signed out, their ChatGPT sign-in is revoked, and their API keys,
          saved provider keys and connected apps are deleted. This cannot be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}
