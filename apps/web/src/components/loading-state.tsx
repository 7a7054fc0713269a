export type LoadingStateProps = { label: string; isFullPage?: boolean };

/** A spinner with a text label; the label is what assistive technology announces. */
export function LoadingState({ label, isFullPage = false }: LoadingStateProps) {
  return (
    <div className={isFullPage ? 'loading-state loading-state-page' : 'loading-state'} role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}
