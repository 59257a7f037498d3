// Small shared pieces: an error/not-available banner, a confirm button, a page heading.
import type { ComponentChildren } from 'preact';
import { errorText } from '../api.js';

export function Problem({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  const text = errorText(error);
  return (
    <div class={text.startsWith('not available') ? 'notice' : 'error'} role="alert">
      {text}
    </div>
  );
}

export function Heading({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="heading">
      <h1>{title}</h1>
      <div class="actions">{children}</div>
    </div>
  );
}

/** Runs an action after confirm() when it loses data. */
export function ActionButton(props: {
  label: string;
  confirm?: string;
  danger?: boolean;
  onClick: () => Promise<unknown> | void;
  disabled?: boolean;
  testId?: string;
}) {
  return (
    <button
      class={props.danger ? 'danger' : ''}
      disabled={props.disabled}
      data-testid={props.testId}
      onClick={(e) => {
        e.stopPropagation();
        if (props.confirm && !window.confirm(props.confirm)) return;
        void props.onClick();
      }}
    >
      {props.label}
    </button>
  );
}
