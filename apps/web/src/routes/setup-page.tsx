import { PASSWORD_MIN_LENGTH, type SessionState, setupRequestSchema } from '@pag/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { createAdminAccount } from '../api/auth.ts';
import { queryKeys } from '../api/query-keys.ts';
import { AuthLayout } from '../components/auth-layout.tsx';
import { ErrorBanner } from '../components/error-banner.tsx';
import { TextField } from '../components/text-field.tsx';
import { useValidatedForm } from '../hooks/use-validated-form.ts';
import { setFlashNotice } from '../lib/flash-notice.ts';
import { readSetupToken } from '../lib/read-setup-token.ts';

const SETUP_FIELDS = ['token', 'email', 'password'] as const;

/** First start: creates the admin account with the one-time token from the setup link the server printed. */
export function SetupPage() {
  const queryClient = useQueryClient();
  const [tokenFromLink] = useState(() => readSetupToken(window.location.hash));

  // Drop the token from the address bar once read, so it does not linger in history, bookmarks or screenshots.
  useEffect(() => {
    if (window.location.hash !== '') {
      window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
    }
  }, []);

  const setup = useMutation({
    mutationFn: createAdminAccount,
    onSuccess: ({ user, csrfToken }) => {
      setFlashNotice('admin-created');
      // Setup signs the new admin in (issue 17): the router moves on to Getting started, which welcomes them.
      queryClient.setQueryData<SessionState>(queryKeys.session, { setupRequired: false, user, csrfToken });
      void queryClient.invalidateQueries({ queryKey: queryKeys.session });
    },
  });

  const form = useValidatedForm({
    fields: SETUP_FIELDS,
    initialValues: { token: tokenFromLink ?? '', email: '', password: '' },
    schema: setupRequestSchema,
    onValidSubmit: (request) => setup.mutate(request),
  });

  return (
    <AuthLayout
      title="Set up your gateway"
      description="Create the administrator account. You will use it to sign in, connect your subscription and issue API keys."
    >
      <form className="form" noValidate onSubmit={form.handleSubmit}>
        {setup.error == null ? null : <ErrorBanner title="Setup failed" error={setup.error} />}
        <TextField
          label="Setup token"
          {...form.field('token')}
          autoComplete="off"
          spellCheck={false}
          className="field-mono"
          hint={
            tokenFromLink == null
              ? 'Paste it from the setup link in the server log: the part after #token=.'
              : 'Filled in from your setup link.'
          }
        />
        <TextField label="Email" type="email" {...form.field('email')} autoComplete="email" />
        <TextField
          label="Password"
          type="password"
          {...form.field('password')}
          autoComplete="new-password"
          hint={`At least ${PASSWORD_MIN_LENGTH} characters. A long passphrase is easiest to remember.`}
        />
        <button type="submit" className="button button-primary button-block" disabled={setup.isPending}>
          {setup.isPending ? 'Creating account…' : 'Create admin account'}
        </button>
      </form>
    </AuthLayout>
  );
}
