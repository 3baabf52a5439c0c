// Draws the enterprise network whose nodes, edges and server-computed layouts the page carries as
// inert JSON (#network-data). Physics stays off: the view is still from its first frame.
(function () {
  "use strict";
  var holder = document.getElementById("network-data");
  var container = document.getElementById("network");
  if (!holder || !container || typeof vis === "undefined") { return; }
  var data = JSON.parse(holder.textContent);
  var width = container.clientWidth;
  // The widest layout the container takes (a phone gets the narrow, taller one).
  var layout = data.layouts.filter(function (candidate) { return width >= candidate.minWidth; })[0] || data.layouts[data.layouts.length - 1];
  container.dataset.layout = layout.name;
  var height = Math.round(Math.min(Math.max(width / Math.max(layout.aspect, 0.3), 320), window.innerHeight * 0.8));
  container.style.height = height + "px";
  data.nodes.forEach(function (node, index) {
    node.x = layout.x[index];
    node.y = layout.y[index];
    if (Object.prototype.hasOwnProperty.call(layout.font, node.id)) {
      node.font = Object.assign({}, node.font || {}, { size: layout.font[node.id] });
    }
    if (Object.prototype.hasOwnProperty.call(layout.label, node.id)) { node.label = layout.label[node.id]; }
  });
  var supplies = document.getElementById("network-supplies");
  var showSupplies = supplies ? supplies.checked : true;
  if (supplies && !data.showSupplies) { supplies.checked = showSupplies = false; }
  data.edges.forEach(function (edge) { if (edge.kind === "SUPPLIES") { edge.hidden = !showSupplies; } });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.chainAtlasNetwork = network;
  network.on("click", function (params) {
    if (params.nodes.length === 1) {
      var node = nodes.get(params.nodes[0]);
      if (node && typeof node.url === "string" && node.url.charAt(0) === "/") { window.location.assign(node.url); }
    }
  });
  network.on("hoverNode", function (params) {
    var node = nodes.get(params.node);
    container.style.cursor = node && node.url ? "pointer" : "default";
  });
  network.on("blurNode", function () { container.style.cursor = "default"; });
  if (supplies) {
    supplies.addEventListener("change", function () {
      edges.update(edges.get({ filter: function (edge) { return edge.kind === "SUPPLIES"; } })
        .map(function (edge) { return { id: edge.id, hidden: !supplies.checked }; }));
    });
  }
  var fit = document.getElementById("network-fit");
  if (fit) { fit.addEventListener("click", function () { network.fit({ animation: false }); }); }
  network.once("afterDrawing", function () {
    container.dataset.readyMs = String(Math.round(performance.now()));  // from navigation start: what the bench and tests read
    container.dataset.ready = "1";
  });
})();
