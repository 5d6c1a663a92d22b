/** Renderer entry (placeholder shell): the real Studio replaces <App />. */
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'

function App() {
  return (
    <main data-testid="app-shell">
      <h1>Echo Studio</h1>
    </main>
  )
}

const container = document.getElementById('root')
if (!container) throw new Error('renderer: #root element missing from index.html')
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
