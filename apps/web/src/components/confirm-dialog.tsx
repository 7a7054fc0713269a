import { type ReactNode, type RefObject, useRef } from 'react';
import { ErrorBanner } from './error-banner.tsx';
import { ModalDialog } from './modal-dialog.tsx';

export type ConfirmDialogProps = {
  isOpen: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  isPending: boolean;
  /** A failure of the confirmed action, described in plain words with its details folded. */
  error?: unknown;
  onConfirm: () => void;
  onCancel: () => void;
  fallbackFocusRef?: RefObject<HTMLElement | null>;
};

/** Asks before a destructive action. Cancel has the initial focus, so a stray Enter does no harm. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  return (
    <ModalDialog
      isOpen={props.isOpen}
      title={props.title}
      tone="danger"
      onClose={props.onCancel}
      initialFocusRef={cancelRef}
      fallbackFocusRef={props.fallbackFocusRef}
      isDismissBlocked={props.isPending}
    >
      <div className="dialog-body">{props.children}</div>
      {props.error == null ? null : <ErrorBanner error={props.error} />}
      <div className="dialog-actions">
        <button
          ref={cancelRef}
          type="button"
          className="button button-secondary"
          onClick={props.onCancel}
          disabled={props.isPending}
        >
          Cancel
        </button>
        <button type="button" className="button button-danger" onClick={props.onConfirm} disabled={props.isPending}>
          {props.isPending ? props.pendingLabel : props.confirmLabel}
        </button>
      </div>
    </ModalDialog>
  );
}
