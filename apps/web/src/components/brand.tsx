/** The product mark and name; decorative mark, so only the name is read out. */
export function Brand() {
  return (
    <span className="brand">
      <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="8" />
        <path d="M9 16h5m4 0h5M16 9v5m0 4v5" />
        <circle cx="16" cy="16" r="2.5" />
      </svg>
      <span className="brand-name">Personal AI Gateway</span>
    </span>
  );
}
