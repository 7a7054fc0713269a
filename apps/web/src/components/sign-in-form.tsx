import { loginRequestSchema } from '@pag/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { isApiError } from '../api/api-error.ts';
import { signIn } from '../api/auth.ts';
import { queryKeys } from '../api/query-keys.ts';
import { useValidatedForm } from '../hooks/use-validated-form.ts';
import { ErrorBanner } from './error-banner.tsx';
import { TextField } from './text-field.tsx';

const LOGIN_FIELDS = ['email', 'password'] as const;

function describeLoginError(error: Error): string {
  if (isApiError(error) && error.code === 'rate_limited') {
    return error.retryAfter == null
      ? 'Too many attempts, try again later.'
      : `Too many attempts, try again in ${error.retryAfter} s.`;
  }
  return error.message;
}

/**
 * Email and password sign-in. It only updates the session: whatever shows the form (the sign-in page, the consent
 * page) re-renders for the signed-in user, so the form never navigates.
 */
export function SignInForm({ notice }: { notice?: ReactNode }) {
  const queryClient = useQueryClient();

  const login = useMutation({
    mutationFn: signIn,
    onSuccess: (session) => {
      // The answer carries the new CSRF token; the refetch confirms the cookie really took.
      queryClient.setQueryData(queryKeys.session, session);
      void queryClient.invalidateQueries({ queryKey: queryKeys.session });
    },
  });

  const form = useValidatedForm({
    fields: LOGIN_FIELDS,
    initialValues: { email: '', password: '' },
    schema: loginRequestSchema,
    onValidSubmit: (request) => login.mutate(request),
  });

  return (
    <form className="form" noValidate onSubmit={form.handleSubmit}>
      {notice}
      {login.error == null ? null : <ErrorBanner>{describeLoginError(login.error)}</ErrorBanner>}
      <TextField label="Email" type="email" {...form.field('email')} autoComplete="username" />
      <TextField label="Password" type="password" {...form.field('password')} autoComplete="current-password" />
      <button type="submit" className="button button-primary button-block" disabled={login.isPending}>
        {login.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
