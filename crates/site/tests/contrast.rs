//! The stylesheet's colours meet WCAG AA contrast (4.5:1 for text) in the light and the dark
//! scheme: text, muted text and links, on the page and on the boxes.

fn luminance(hex: &str) -> f64 {
    let h = hex.trim_start_matches('#');
    let c = |i: usize| {
        let v = u8::from_str_radix(&h[i..i + 2], 16).unwrap() as f64 / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * c(0) + 0.7152 * c(2) + 0.0722 * c(4)
}

fn ratio(a: &str, b: &str) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// The custom properties of each `:root { … }` block: light first, then dark.
fn schemes(css: &str) -> Vec<std::collections::HashMap<String, String>> {
    css.split(":root {")
        .skip(1)
        .map(|block| {
            block
                .split('}')
                .next()
                .unwrap()
                .split(';')
                .filter_map(|decl| {
                    let (k, v) = decl.split_once(':')?;
                    let (k, v) = (k.trim(), v.trim());
                    (k.starts_with("--") && v.starts_with('#') && v.len() == 7).then(|| (k.to_owned(), v.to_owned()))
                })
                .collect()
        })
        .collect()
}

#[test]
fn text_links_and_boxes_meet_wcag_aa() {
    let schemes = schemes(cablegate_site::STYLESHEET);
    assert_eq!(schemes.len(), 2, "a light and a dark scheme");
    for (i, s) in schemes.iter().enumerate() {
        for fg in ["--fg", "--muted", "--link"] {
            for bg in ["--bg", "--box"] {
                let r = ratio(&s[fg], &s[bg]);
                assert!(r >= 4.5, "scheme {i}: {fg} on {bg} is {r:.1}:1");
            }
        }
    }
}
