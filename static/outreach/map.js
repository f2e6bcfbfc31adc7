/* The outreach map: contacts (clustered points and a heat layer), encampments, and the
   Kansas counties shaded by contacts per county. Data come from Sunflower only. */
(function () {
  "use strict";

  var element = document.getElementById("outreach-map");
  var filters = document.getElementById("outreach-map-filters");
  if (!element) { return; }
  var O = window.SunflowerOutreach;
  var labels = element.dataset;
  var counts = {};
  var maxCount = 0;
  var esc = O.escapeHtml;

  function shade(count) {
    if (!count) { return "#ffffff"; }
    var share = maxCount ? count / maxCount : 0;
    if (share > 0.75) { return "#8b0a03"; }
    if (share > 0.5) { return "#d54309"; }
    if (share > 0.25) { return "#fa9441"; }
    return "#ffbc78";
  }

  function countyStyle(feature) {
    return { color: "#565c65", weight: 1, fillColor: shade(counts[feature.properties.fips5]), fillOpacity: 0.65 };
  }

  O.baseMap(element, {
    countyStyle: countyStyle,
    interactiveCounties: true,
    onEachCounty: function (feature, layer) {
      layer.bindTooltip(function () {
        return esc(feature.properties.name) + ": " + (counts[feature.properties.fips5] || 0);
      }, { sticky: true });
    }
  }).then(function (handle) {
    var map = handle.map;
    var clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
    var heat = L.heatLayer([], { radius: 22, blur: 18, maxZoom: 12 });
    var camps = L.layerGroup();
    clusters.addTo(map);
    camps.addTo(map);
    var overlays = {};
    overlays[labels.labelContacts] = clusters;
    overlays[labels.labelHeat] = heat;
    overlays[labels.labelEncampments] = camps;
    if (handle.counties) { overlays[labels.labelCounties] = handle.counties; }
    L.control.layers(null, overlays, { collapsed: true, position: "bottomleft" }).addTo(map);

    function render(data) {
      counts = data.county_counts || {};
      maxCount = Object.values(counts).reduce(function (a, b) { return Math.max(a, b); }, 0);
      if (handle.counties) { handle.counties.setStyle(countyStyle); }
      clusters.clearLayers();
      var heatPoints = [];
      data.points.features.forEach(function (feature) {
        var c = feature.geometry.coordinates;
        var p = feature.properties;
        var point = L.circleMarker([c[1], c[0]], { radius: 8, color: "#1a4480", weight: 2, fillColor: "#005ea2", fillOpacity: 0.85, className: "sf-contact-point" });
        point.bindPopup("<strong>" + esc(p.at) + "</strong><br>" + esc(p.county) + " County<br>" + esc(p.living_situation) +
          "<br>" + esc(p.project) + "<br>" + esc(p.known ? labels.labelKnown : labels.labelUnnamed), { maxWidth: 240 });
        point.feature = feature;
        clusters.addLayer(point);
        heatPoints.push([c[1], c[0], 1]);
      });
      heat.setLatLngs(heatPoints);
      camps.clearLayers();
      L.geoJSON(data.encampments, {
        pointToLayer: function (feature, latlng) {
          return L.circleMarker(latlng, { radius: 10, color: "#4d8055", weight: 3, fillColor: "#70e17b", fillOpacity: 0.7, className: "sf-encampment" });
        },
        style: function () { return { color: "#4d8055", weight: 2, fillColor: "#70e17b", fillOpacity: 0.4, className: "sf-encampment" }; },
        onEachFeature: function (feature, layer) {
          var p = feature.properties;
          layer.bindPopup('<a href="' + esc(labels.encampmentUrl + p.id + "/") + '">' + esc(p.name) + "</a><br>" + esc(p.status) +
            (p.people != null ? "<br>" + esc(p.people) + " " + esc(labels.labelPeople) : "") +
            (p.last_visit ? "<br>" + esc(labels.labelVisit) + " " + esc(p.last_visit) : ""));
        }
      }).eachLayer(function (layer) { camps.addLayer(layer); });

      document.getElementById("map-summary").textContent = labels.labelSummary
        .replace("%(total)s", data.total).replace("%(points)s", data.points.features.length) +
        (data.points_limited ? " " + labels.labelLimited : "");
      var names = {};
      if (handle.geojson) { handle.geojson.features.forEach(function (f) { names[f.properties.fips5] = f.properties.name; }); }
      var body = document.getElementById("county-counts-body");
      body.innerHTML = "";
      Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || a.localeCompare(b); }).forEach(function (fips) {
        var row = document.createElement("tr");
        row.dataset.fips = fips;
        var name = document.createElement("td");
        name.textContent = names[fips] || fips;
        var count = document.createElement("td");
        count.textContent = counts[fips];
        row.appendChild(name);
        row.appendChild(count);
        body.appendChild(row);
      });
      element.dataset.loaded = "true";
    }

    function load() {
      element.dataset.loaded = "false";
      var query = new URLSearchParams(new FormData(filters)).toString();
      fetch(labels.dataUrl + "?" + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          if (data.ok === false) {
            document.getElementById("map-summary").textContent = Object.values(data.errors).join(" ");
            return;
          }
          render(data);
        });
    }

    filters.addEventListener("submit", function (event) { event.preventDefault(); load(); });
    load();
  });
})();
