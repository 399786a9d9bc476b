// Draws the link chart from the page's own tables of nodes and edges, so the
// picture and its accessible alternative can never disagree. Clicking a node
// expands it, as the table's links do. Entities on the paths or among the
// shared associates asked for are ringed; with centrality asked for, each
// entity's size follows its betweenness.
/* global cytoscape */
const container = document.getElementById('app-chart')
const nodes = document.querySelectorAll('[data-app-node]')
const edges = document.querySelectorAll('[data-app-edge]')

if (container && typeof cytoscape === 'function') {
  const elements = []
  for (const row of nodes) {
    elements.push({
      data: {
        id: row.dataset.appNode,
        label: row.dataset.label,
        href: row.dataset.expand,
        focus: row.dataset.focus === 'true',
        mark: row.dataset.mark === 'true',
        size: 20 + 40 * (Number.parseFloat(row.dataset.weight) || 0)
      }
    })
  }
  for (const row of edges) {
    elements.push({
      data: {
        id: row.dataset.appEdge,
        source: row.dataset.source,
        target: row.dataset.target,
        label: row.dataset.label
      }
    })
  }
  container.hidden = false
  const cy = cytoscape({
    container,
    elements,
    style: [
      { selector: 'node', style: { label: 'data(label)', 'background-color': '#1d70b8', 'font-size': 10, color: '#0b0c0c' } },
      { selector: 'node', style: { width: 'data(size)', height: 'data(size)' } },
      { selector: 'node[?focus]', style: { 'background-color': '#d4351c' } },
      { selector: 'node[?mark]', style: { 'border-width': 3, 'border-color': '#ffdd00' } },
      { selector: 'edge', style: { label: 'data(label)', 'font-size': 8, width: 1, 'line-color': '#505a5f', 'curve-style': 'bezier' } }
    ],
    layout: { name: 'cose', animate: false }
  })
  cy.on('tap', 'node', (event) => {
    const href = event.target.data('href')
    if (href) {
      window.location.assign(href)
    }
  })
}
