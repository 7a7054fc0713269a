/**
 * The technical account of an error (an upstream's own words, a network error), folded away under "Details": the
 * sentence above it says what to do, and this is for whoever has to dig further (issue 17).
 */
export function ErrorDetails({ details }: { details: string | null }) {
  if (details == null || details.trim() === '') return null;
  return (
    <details className="error-details">
      <summary>Details</summary>
      <p className="error-details-text">{details}</p>
    </details>
  );
}
