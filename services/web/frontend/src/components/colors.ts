/** Colours that pass WCAG AA against white (4.5:1 or more) for text and chart marks. */
export const COLORS = {
  primary: "#0b57d0",
  own: "#5f6368",
  on_track: "#146c2e",
  at_risk: "#8a5300",
  off_track: "#b3261e",
  none: "#5f6368",
  text: "#1f1f1f",
};
