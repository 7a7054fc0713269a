/** The gateway's promise about whose subscription serves whom, shown on every page. */
export function SubscriptionNotice() {
  return (
    <footer className="subscription-notice">
      Your subscriptions serve only you: one ChatGPT account per gateway user, never pooled.
    </footer>
  );
}
