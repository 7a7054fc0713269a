import { ConfirmDialog, type ConfirmDialogProps } from './confirm-dialog.tsx';

/** The part of a TanStack Query mutation the dialog drives. */
type ConfirmableMutation = { isPending: boolean; error: unknown; mutate: () => void; reset: () => void };

export type ConfirmMutationDialogProps = Omit<ConfirmDialogProps, 'isPending' | 'error' | 'onConfirm' | 'onCancel'> & {
  mutation: ConfirmableMutation;
  /** Closes the dialog; the mutation's error is cleared with it, so the next opening starts clean. */
  onClose: () => void;
};

/** A `ConfirmDialog` whose action is one mutation: pending state, error and reset come from it. */
export function ConfirmMutationDialog({ mutation, onClose, ...dialog }: ConfirmMutationDialogProps) {
  return (
    <ConfirmDialog
      {...dialog}
      isPending={mutation.isPending}
      error={mutation.error}
      onConfirm={() => mutation.mutate()}
      onCancel={() => {
        onClose();
        mutation.reset();
      }}
    />
  );
}
