// Video with the class mask on top: mask ids (R8) index a 256x1 RGBA palette; alpha = class visibility.
precision highp float;
uniform sampler2D uVideo;
uniform sampler2D uMask;
uniform sampler2D uPalette;
uniform float uOpacity;
uniform bool uHasMask;
uniform bool uHasVideo;
// ImageBitmap sources ignore UNPACK_FLIP_Y, so their rows arrive top-first: flip in the shader.
uniform bool uVideoTopFirst;
in vec2 vUv;
out vec4 outColor;

void main() {
  vec2 videoUv = uVideoTopFirst ? vec2(vUv.x, 1.0 - vUv.y) : vUv;
  vec3 video = uHasVideo ? texture(uVideo, videoUv).rgb : vec3(0.0);
  if (!uHasMask) {
    outColor = vec4(video, 1.0);
    return;
  }
  // Mask rows are stored top-first (row 0 = top of the frame); NEAREST via texelFetch.
  ivec2 size = textureSize(uMask, 0);
  ivec2 texel = ivec2(clamp(floor(vec2(vUv.x, 1.0 - vUv.y) * vec2(size)), vec2(0.0), vec2(size - 1)));
  int id = int(texelFetch(uMask, texel, 0).r * 255.0 + 0.5);
  vec4 color = texelFetch(uPalette, ivec2(id, 0), 0);
  outColor = vec4(mix(video, color.rgb, color.a * uOpacity), 1.0);
}
