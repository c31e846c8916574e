import { BOLD, DIM, INVERSE, ITALIC, STRIKE, UNDERLINE, type Color, type Style } from './screen.js';

/** How a span is drawn: CSS classes, plus inline colours for those outside the 16 themed ones. */
export interface SpanLook {
  className: string;
  color?: string;
  background?: string;
}

const FLAG_CLASSES: [number, string][] = [
  [BOLD, 'b'],
  [DIM, 'd'],
  [ITALIC, 'i'],
  [UNDERLINE, 'u'],
  [STRIKE, 's'],
];

/**
 * The look of a style: the 16 basic colours as classes (`f1`, `k1`: themed for light and
 * dark), the 256-palette and truecolor as CSS colours; inverse swaps foreground and
 * background (the defaults becoming the theme's own colours).
 */
export function describeLook(style: Style): SpanLook {
  let className = '';
  for (const [flag, name] of FLAG_CLASSES) if (style.flags & flag) className += ` ${name}`;
  const inverse = (style.flags & INVERSE) !== 0;
  const fg = inverse ? (style.bg ?? 'bg') : style.fg;
  const bg = inverse ? (style.fg ?? 'fg') : style.bg;
  const look: SpanLook = { className: '' };
  if (typeof fg === 'number' && fg < 16) className += ` f${fg}`;
  else if (fg !== undefined) look.color = toCss(fg);
  if (typeof bg === 'number' && bg < 16) className += ` k${bg}`;
  else if (bg !== undefined) look.background = toCss(bg);
  look.className = className.trim();
  return look;
}

/** A palette index from 16 up, a truecolor, or the theme's own `fg`/`bg`, as a CSS colour. */
export function toCss(color: Color): string {
  if (typeof color === 'string') return color === 'fg' || color === 'bg' ? `var(--${color})` : color;
  if (color < 16) return `var(--c${color})`;
  if (color >= 232) {
    const level = 8 + (color - 232) * 10;
    return `rgb(${level},${level},${level})`;
  }
  const cube = color - 16;
  const step = (n: number) => (n === 0 ? 0 : 55 + n * 40);
  return `rgb(${step(Math.floor(cube / 36))},${step(Math.floor(cube / 6) % 6)},${step(cube % 6)})`;
}
