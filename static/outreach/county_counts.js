/* Counties shaded by street outreach contacts, from the page's own (already suppressed)
   counts: a suppressed county is shaded as "some" without a number. */
(function () {
  "use strict";

  var element = document.getElementById("county-counts-map");
  var source = document.getElementById("county-counts-data");
  if (!element || !source) { return; }
  var O = window.SunflowerOutreach;
  var rows = {};
  var maxLevel = 0;
  JSON.parse(source.textContent).forEach(function (row) {
    rows[row.fips] = row;
    if (row.level) { maxLevel = Math.max(maxLevel, row.level); }
  });

  function shade(row) {
    if (!row || row.count === "0") { return "#ffffff"; }
    if (row.level === null) { return "#ffe2c1"; }
    var share = maxLevel ? row.level / maxLevel : 0;
    if (share > 0.75) { return "#8b0a03"; }
    if (share > 0.5) { return "#d54309"; }
    if (share > 0.25) { return "#fa9441"; }
    return "#ffbc78";
  }

  O.baseMap(element, {
    interactiveCounties: true,
    countyStyle: function (feature) {
      var row = rows[feature.properties.fips5];
      return { color: "#565c65", weight: 1, fillColor: shade(row), fillOpacity: row ? 0.7 : 0.15 };
    },
    onEachCounty: function (feature, layer) {
      var row = rows[feature.properties.fips5];
      if (!row) { return; }
      var text = row.level === null && row.count !== "0"
        ? row.count + " (" + element.dataset.labelSuppressed + ")" : row.count;
      layer.bindTooltip(O.escapeHtml(row.name) + ": " + O.escapeHtml(text), { sticky: true });
    }
  }).then(function () { element.dataset.loaded = "true"; });
})();
