// A learned model's card (public/models/<name>/README.md: architecture, validation RD table, BD-rates, anchor
// curves, training log plot, credits) shown in a modal dialog, rendered from the Markdown subset in markdown.ts
// as React elements. The card is fetched from the same origin when the visitor opens it.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { messageOf } from '../../errors';
import { cardTarget, parseMarkdown, type Block, type Inline } from './markdown';

interface Ctx {
  cardUrl: string;
  base: string;
}

function inlines(nodes: Inline[], ctx: Ctx): ReactNode[] {
  return nodes.map((n, i) => {
    switch (n.t) {
      case 'text':
        return n.text;
      case 'code':
        return <code key={i}>{n.text}</code>;
      case 'strong':
        return <strong key={i}>{inlines(n.children, ctx)}</strong>;
      case 'link': {
        const url = cardTarget(n.href, ctx.cardUrl, ctx.base, 'link');
        const body = inlines(n.children, ctx);
        return url ? (
          <a key={i} href={url} target="_blank" rel="noreferrer">
            {body}
          </a>
        ) : (
          <span key={i} title={`${n.href} (in RD Lab's repository)`}>
            {body}
          </span>
        );
      }
      case 'image': {
        const url = cardTarget(n.src, ctx.cardUrl, ctx.base, 'image');
        return url ? <img key={i} src={url} alt={n.alt} loading="lazy" /> : <span key={i}>[{n.alt}]</span>;
      }
    }
  });
}

function blocks(list: Block[], ctx: Ctx): ReactNode[] {
  return list.map((b, i) => {
    switch (b.t) {
      case 'heading': {
        const H = `h${Math.min(6, b.level + 1)}` as 'h2'; // the card's "#" is the dialog's title level (h2)
        return <H key={i}>{inlines(b.children, ctx)}</H>;
      }
      case 'para':
        return <p key={i}>{inlines(b.children, ctx)}</p>;
      case 'list':
        return (
          <ul key={i}>
            {b.items.map((it, j) => (
              <li key={j}>{inlines(it, ctx)}</li>
            ))}
          </ul>
        );
      case 'table':
        return (
          <div key={i} className="card-table">
            <table>
              <thead>
                <tr>
                  {b.head.map((c, j) => (
                    <th key={j}>{inlines(c, ctx)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {b.rows.map((r, j) => (
                  <tr key={j}>
                    {r.map((c, k) => (
                      <td key={k}>{inlines(c, ctx)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
      case 'details':
        return (
          <details key={i}>
            <summary>{inlines(b.summary, ctx)}</summary>
            {blocks(b.blocks, ctx)}
          </details>
        );
    }
  });
}

type CardState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ok'; blocks: Block[] };

/** The modal; mounted while open. `onClose` runs on Escape, the close button or a click on the backdrop. */
/** `cardBase`: links and images in the card may only point below it (the served model packages) or to https pages. */
export function ModelCard({ name, cardUrl, cardBase, onClose }: { name: string; cardUrl: string; cardBase: string; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [state, setState] = useState<CardState>({ status: 'loading' });
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  useEffect(() => {
    let live = true;
    fetch(cardUrl)
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((text) => live && setState({ status: 'ok', blocks: parseMarkdown(text) }))
      .catch((e: unknown) => live && setState({ status: 'error', message: messageOf(e) }));
    return () => {
      live = false;
    };
  }, [cardUrl]);
  const ctx: Ctx = { cardUrl, base: cardBase };
  return (
    <dialog
      ref={ref}
      className="model-card"
      data-testid="model-card"
      aria-label={`Model card: ${name}`}
      onClose={onClose}
      onClick={(e) => e.target === ref.current && ref.current?.close()}
    >
      <div className="model-card-bar">
        <a href={cardUrl} target="_blank" rel="noreferrer">
          Markdown source
        </a>
        <button type="button" onClick={() => ref.current?.close()} aria-label="Close the model card">
          ✕
        </button>
      </div>
      <div className="model-card-body">
        {state.status === 'loading' && <p>Loading the model card…</p>}
        {state.status === 'error' && <p className="side-error">The model card could not be read ({state.message}).</p>}
        {state.status === 'ok' && blocks(state.blocks, ctx)}
      </div>
    </dialog>
  );
}
