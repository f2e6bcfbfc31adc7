/* Encampment pages: mark a site as a point or an area (the add and edit forms), or show it
   (the detail page). */
(function () {
  "use strict";

  var element = document.getElementById("encampment-map");
  if (!element) { return; }
  var O = window.SunflowerOutreach;
  var form = document.getElementById("encampment-form");

  O.baseMap(element).then(function (handle) {
    var map = handle.map;
    var shown = element.dataset.showGeometry && document.getElementById(element.dataset.showGeometry);
    var existing = null;
    if (shown) {
      existing = L.geoJSON(JSON.parse(shown.textContent), {
        pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, { radius: 10, color: "#4d8055", fillColor: "#70e17b", fillOpacity: 0.7 }); },
        style: function () { return { color: "#4d8055", fillColor: "#70e17b", fillOpacity: 0.4 }; }
      }).addTo(map);
      map.fitBounds(existing.getBounds(), { maxZoom: 14 });
    }
    // Without a form the map only shows the site; on the edit form, a new place replaces it.
    if (!form) { return; }
    var corners = [];
    var drawn = null;
    var output = form.elements.geometry;

    function shape() { return form.querySelector("input[name=shape]:checked").value; }
    function redraw() {
      if (drawn) { map.removeLayer(drawn); drawn = null; }
      if (existing && corners.length) { map.removeLayer(existing); existing = null; }
      if (!corners.length) { output.value = ""; return; }
      if (shape() === "point") {
        drawn = L.circleMarker(corners[0], { radius: 10, color: "#4d8055", fillColor: "#70e17b", fillOpacity: 0.7 }).addTo(map);
        output.value = JSON.stringify({ type: "Point", coordinates: [corners[0][1], corners[0][0]] });
        return;
      }
      drawn = corners.length > 2 ? L.polygon(corners, { color: "#4d8055" }).addTo(map) : L.polyline(corners, { color: "#4d8055" }).addTo(map);
      if (corners.length > 2) {
        var ring = corners.map(function (c) { return [c[1], c[0]]; });
        ring.push(ring[0]);
        output.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      } else {
        output.value = "";
      }
    }
    map.on("click", function (event) {
      var latlng = [event.latlng.lat, event.latlng.lng];
      if (shape() === "point") { corners = [latlng]; } else { corners.push(latlng); }
      redraw();
    });
    form.querySelectorAll("input[name=shape]").forEach(function (radio) {
      radio.addEventListener("change", function () { corners = []; redraw(); });
    });
    form.querySelector("[data-clear-shape]").addEventListener("click", function () { corners = []; redraw(); });
  });
})();
