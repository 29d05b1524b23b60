// Marks the document once the page has loaded: data-images-loaded="<loaded>/<shown>" counts
// the pictures that decoded, so a headless browser (the report test) can check them all.
window.addEventListener("load", function () {
  var images = Array.prototype.slice.call(document.images);
  var loaded = images.filter(function (img) {
    return img.complete && img.naturalWidth > 0;
  }).length;
  document.documentElement.setAttribute("data-images-loaded", loaded + "/" + images.length);
});
