import { useState } from 'react';

/** Asks for an API key when none came in the URL fragment or this tab's sessionStorage. */
export function KeyPrompt({ error, onKey }: { error: string | null; onKey: (key: string) => void }) {
  const [key, setKey] = useState('');
  return (
    <form
      className="key-prompt"
      onSubmit={(e) => {
        e.preventDefault();
        if (key.trim()) onKey(key.trim());
      }}
    >
      <h1>deskmetrics</h1>
      <p>
        This dashboard reads the API with your API key. It stays in this browser tab (sessionStorage) and is sent only as the Authorization header.
      </p>
      <label>
        API key <input type="password" name="key" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} autoFocus />
      </label>
      <button type="submit">Open dashboard</button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <p className="hint">
        <code>npm start</code> prints a link with the key the first time it runs; more keys: <code>deskmetrics keys create --help</code>.
      </p>
    </form>
  );
}
