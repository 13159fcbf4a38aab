// The class mask alone, on a transparent canvas over the picture: mask ids (R8) index a 256x1 RGBA
// palette whose alpha is the class's visibility; output premultiplied (the page composites it).
precision highp float;
uniform sampler2D uMask;
uniform sampler2D uPalette;
uniform float uOpacity;
in vec2 vUv;
out vec4 outColor;

void main() {
  // Mask rows are stored top-first (row 0 = top of the frame); NEAREST via texelFetch.
  ivec2 size = textureSize(uMask, 0);
  ivec2 texel = ivec2(clamp(floor(vec2(vUv.x, 1.0 - vUv.y) * vec2(size)), vec2(0.0), vec2(size - 1)));
  int id = int(texelFetch(uMask, texel, 0).r * 255.0 + 0.5);
  vec4 color = texelFetch(uPalette, ivec2(id, 0), 0);
  float alpha = color.a * uOpacity;
  outColor = vec4(color.rgb * alpha, alpha);
}
