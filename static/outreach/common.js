/* The outreach maps' base: Kansas county outlines served by Sunflower itself (no tile server
   unless the HMIS Lead configures one: OUTREACH_TILE_URL). No request leaves the site. */
(function () {
  "use strict";

  var countiesPromise = null;

  function loadCounties(url) {
    if (!countiesPromise) {
      countiesPromise = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error("county outlines: " + response.status); }
        return response.json();
      });
    }
    return countiesPromise;
  }

  function baseMap(element, options) {
    options = options || {};
    var map = L.map(element, { zoomSnap: 0.25, maxZoom: 18, attributionControl: !!element.dataset.tileUrl });
    map.setView([38.5, -98.3], 6);
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, {
        maxZoom: 19,
        attribution: element.dataset.tileAttribution || ""
      }).addTo(map);
    }
    return loadCounties(element.dataset.countiesUrl).then(function (geojson) {
      var counties = L.geoJSON(geojson, {
        style: options.countyStyle || function () {
          return { color: "#565c65", weight: 1, fillColor: "#ffffff", fillOpacity: 0.6 };
        },
        // Taps go to the map (a contact's place), not to the county shape.
        interactive: !!options.interactiveCounties,
        onEachFeature: options.onEachCounty
      }).addTo(map);
      map.fitBounds(counties.getBounds(), { padding: [4, 4] });
      return { map: map, counties: counties, geojson: geojson };
    }).catch(function () {
      return { map: map, counties: null, geojson: null };
    });
  }

  function uuid4() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  window.SunflowerOutreach = { baseMap: baseMap, uuid4: uuid4, escapeHtml: escapeHtml };
})();
