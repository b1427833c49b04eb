import { BackendStatus } from './BackendStatus';

export function App() {
  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">
          RD<span>Lab</span>
        </h1>
        <p className="tagline">Learned and classical image codecs, side by side, with rate–distortion curves.</p>
        <BackendStatus />
      </header>
      <main className="main" />
    </div>
  );
}
