import { useEffect } from 'react';
import { BackendStatus } from './BackendStatus';
import { openSampleById, probeCodecs } from './state/actions';
import { initialSample, useLab } from './state/lab';
import { CompareView } from './views/CompareView';
import { DropZone, useGlobalOpen } from './views/DropZone';
import { RdPanel } from './views/RdPanel';
import { ResizeControl } from './views/ResizeControl';
import { Shortcuts } from './views/Shortcuts';
import { SidePanel } from './views/SidePanel';
import { Toasts } from './views/Toasts';

/** "⏳ RD Lab" in the tab title while anything encodes (as Squoosh does). */
function useBusyTitle() {
  const busy = useLab((s) => s.sweep.running || s.equal.running || s.sides.left.status === 'working' || s.sides.right.status === 'working');
  const name = useLab((s) => s.source?.name);
  useEffect(() => {
    document.title = `${busy ? '⏳ ' : ''}${name ? `${name} — ` : ''}RD Lab`;
  }, [busy, name]);
}

export function App() {
  const source = useLab((s) => s.source);
  const dragging = useGlobalOpen();
  useBusyTitle();
  useEffect(() => {
    void probeCodecs();
    if (initialSample) openSampleById(initialSample);
  }, []);
  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">
          RD<span>Lab</span>
        </h1>
        {source ? (
          <p className="tagline">
            <strong>{source.name}</strong> · {source.image.width}×{source.image.height}
            {source.resizedFrom && (
              <span className="muted">
                {' '}
                (resized from {source.resizedFrom.width}×{source.resizedFrom.height})
              </span>
            )}
          </p>
        ) : (
          <p className="tagline">Learned and classical image codecs, side by side, with rate–distortion curves.</p>
        )}
        {source && <ResizeControl />}
        {source && <DropZone compact />}
        <BackendStatus />
        <Shortcuts />
      </header>
      {source ? (
        <main className="workspace">
          <div className="compare-column">
            {source.notices.map((n) =>
              n.tone === 'warning' ? (
                <p key={n.text} className="source-notice warning" role="alert" data-testid="source-warning">
                  <strong>Warning:</strong> {n.text}
                </p>
              ) : (
                <p key={n.text} className="source-notice" role="note" data-testid="source-note">
                  {n.text}
                </p>
              ),
            )}
            <CompareView />
            <div className="side-panels">
              <SidePanel side="left" />
              <SidePanel side="right" />
            </div>
          </div>
          <RdPanel />
        </main>
      ) : (
        <main className="landing">
          <DropZone compact={false} />
        </main>
      )}
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <p>Drop to open</p>
        </div>
      )}
      <Toasts />
    </div>
  );
}
