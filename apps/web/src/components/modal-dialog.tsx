import { type ReactNode, type RefObject, useEffect, useId, useRef } from 'react';

export type ModalDialogProps = {
  isOpen: boolean;
  title: string;
  /** Called once the dialog has closed, whether by a button, Escape or the parent. */
  onClose: () => void;
  /** Receives focus on open; otherwise the browser focuses the first focusable element. */
  initialFocusRef?: RefObject<HTMLElement | null>;
  /** Receives focus on close when the element that opened the dialog is gone (a revoked key's row). */
  fallbackFocusRef?: RefObject<HTMLElement | null>;
  /** While true, Escape does not close the dialog (a request is in flight). */
  isDismissBlocked?: boolean;
  tone?: 'default' | 'danger';
  children: ReactNode;
};

/**
 * A modal built on the native `<dialog>`: `showModal()` makes the rest of the page inert and traps focus, and
 * Escape closes it. Focus goes back to whatever opened the dialog, as the WAI-ARIA dialog pattern asks.
 */
export function ModalDialog(props: ModalDialogProps) {
  const {
    isOpen,
    title,
    onClose,
    initialFocusRef,
    fallbackFocusRef,
    isDismissBlocked = false,
    tone = 'default',
    children,
  } = props;
  const dialogRef = useRef<HTMLDialogElement>(null);
  const returnFocusRef = useRef<HTMLElement | null>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog == null) return;
    if (isOpen && !dialog.open) {
      returnFocusRef.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      initialFocusRef?.current?.focus();
    } else if (!isOpen && dialog.open) {
      dialog.close();
    }
  }, [isOpen, initialFocusRef]);

  function handleClose() {
    const returnTarget = returnFocusRef.current;
    returnFocusRef.current = null;
    if (returnTarget?.isConnected) returnTarget.focus();
    else fallbackFocusRef?.current?.focus();
    onClose();
  }

  return (
    <dialog
      ref={dialogRef}
      className={tone === 'danger' ? 'dialog dialog-danger' : 'dialog'}
      aria-labelledby={titleId}
      onClose={handleClose}
      onCancel={(event) => {
        if (isDismissBlocked) event.preventDefault();
      }}
    >
      <h2 id={titleId} className="dialog-title">
        {title}
      </h2>
      {isOpen ? children : null}
    </dialog>
  );
}
