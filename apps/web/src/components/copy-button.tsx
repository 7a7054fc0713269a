import { type RefObject, useEffect, useState } from 'react';

export type CopyButtonProps = {
  value: string;
  /** The field or block showing the value; selected as a fallback when the Clipboard API is unavailable. */
  sourceRef: RefObject<HTMLElement | null>;
  /** What is copied, for the screen-reader announcement ("API key copied to the clipboard."). */
  subject?: string;
  /** The button's visible label (default "Copy"); unique labels tell several copy buttons apart. */
  label?: string;
};

type CopyStatus = 'idle' | 'copied' | 'failed';

const RESET_AFTER_MS = 2500;

/**
 * Copies to the clipboard. The Clipboard API only exists in secure contexts, and a self-hosted gateway is often
 * opened over plain http on a LAN address, so it falls back to selecting the text and `execCommand('copy')`.
 */
export function CopyButton({ value, sourceRef, subject = 'API key', label = 'Copy' }: CopyButtonProps) {
  const [status, setStatus] = useState<CopyStatus>('idle');

  useEffect(() => {
    if (status === 'idle') return;
    const timer = setTimeout(() => setStatus('idle'), RESET_AFTER_MS);
    return () => clearTimeout(timer);
  }, [status]);

  async function copy() {
    try {
      if (navigator.clipboard == null) throw new Error('Clipboard API unavailable');
      await navigator.clipboard.writeText(value);
      setStatus('copied');
    } catch {
      const source = sourceRef.current;
      if (source instanceof HTMLInputElement || source instanceof HTMLTextAreaElement) source.select();
      else if (source != null) window.getSelection()?.selectAllChildren(source);
      const isCopied = source != null && document.execCommand('copy');
      setStatus(isCopied ? 'copied' : 'failed');
    }
  }

  return (
    <>
      <button type="button" className="button button-secondary copy-button" onClick={() => void copy()}>
        <svg className="button-icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
          {status === 'copied' ? (
            <path d="M4 10.5l4 4 8-9" />
          ) : (
            <>
              <rect x="7" y="7" width="10" height="10" rx="2" />
              <path d="M13 7V5a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v6a2 2 0 0 0 2 2h2" />
            </>
          )}
        </svg>
        {status === 'copied' ? 'Copied' : label}
      </button>
      <span className="visually-hidden" aria-live="polite">
        {status === 'copied' ? `${subject} copied to the clipboard.` : null}
        {status === 'failed' ? `Could not copy. Select the ${subject} and copy it with your keyboard.` : null}
      </span>
    </>
  );
}
