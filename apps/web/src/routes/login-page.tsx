import { useEffect, useState } from 'react';
import { AuthLayout } from '../components/auth-layout.tsx';
import { NoticeBanner } from '../components/notice-banner.tsx';
import { SignInForm } from '../components/sign-in-form.tsx';
import { clearFlashNotice, peekFlashNotice } from '../lib/flash-notice.ts';

/** Email and password sign-in; the router takes the user on once the session has a user. */
export function LoginPage() {
  const [notice] = useState(peekFlashNotice);
  useEffect(() => clearFlashNotice(), []);

  return (
    <AuthLayout title="Sign in" description="Sign in to manage your gateway's connections and API keys.">
      <SignInForm notice={notice === 'signed-out' ? <NoticeBanner>You have signed out.</NoticeBanner> : null} />
    </AuthLayout>
  );
}
