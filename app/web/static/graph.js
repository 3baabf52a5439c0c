// Draws the graph whose data the page carries as inert JSON; no inline script, no CDN.
(function () {
  "use strict";
  var holder = document.getElementById("graph-data");
  var container = document.getElementById("network");
  if (!holder || !container || typeof vis === "undefined") { return; }
  var data = JSON.parse(holder.textContent);
  var legend = document.getElementById("graph-legend");
  if (legend && data.legend) {
    data.legend.slice().reverse().forEach(function (entry) {
      var item = document.createElement("span");
      item.className = "legend-item";
      var swatch = document.createElement("i");
      swatch.className = "swatch";
      swatch.style.background = entry.color;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(entry.kind));
      legend.insertBefore(item, legend.firstChild);
    });
  }
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var options = data.options || {};
  options.interaction = Object.assign({}, options.interaction, { hover: true, tooltipDelay: 150 });
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  window.chainAtlasNetwork = network;
  network.on("click", function (params) {
    if (params.nodes.length === 1) {
      var node = nodes.get(params.nodes[0]);
      if (node && typeof node.url === "string" && node.url.charAt(0) === "/") {
        window.location.assign(node.url);
      }
    }
  });
  if (!data.physics) { network.once("afterDrawing", function () { container.dataset.ready = "1"; }); }
  else { network.once("stabilizationIterationsDone", function () { container.dataset.ready = "1"; }); }
})();
