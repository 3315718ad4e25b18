//! A real browser on the demo's pages: Debian's `chromium` driven through `chromedriver` with
//! fantoccini. It opens the home page, goes to Embassy London by origin, opens 09LONDON923,
//! follows the ¶ link of paragraph 5, follows a tag, and saves a screenshot
//! (`target/browser/*.png`). `.ci/run` installs `chromium` and `chromium-driver`; where they are
//! missing the test says so and passes, except under CI (`CI` set), where it fails.

use std::path::PathBuf;

use fantoccini::{ClientBuilder, Locator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_browses_to_a_paragraph() {
    let Some((driver, _driver)) = cablegate_testkit::chromedriver() else { return };
    // a build of the fixture cables, served on 127.0.0.1
    let (dir, _publication) = cablegate_testkit::fixture_publication("2011-01-01T00:00:00Z");
    let builds = cablegate_publication::publications_dir(dir.path());
    let (tx, rx) = tokio::sync::oneshot::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        cablegate_server::serve(&builds, "127.0.0.1:0".parse().unwrap(), move |a| tx.send(a).unwrap(), async {
            let _ = stopped.await;
        })
        .await
    });
    let addr = rx.await.unwrap();

    let profile = tempfile::tempdir().unwrap();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": cablegate_testkit::CHROMIUM_ARGS.iter().map(std::string::ToString::to_string)
                .chain(["--window-size=1200,1000".to_owned(), format!("--user-data-dir={}", profile.path().display())])
                .collect::<Vec<_>>()
        }),
    );
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver)
        .await
        .expect("a chromium session");

    let base = format!("http://{addr}/");
    c.goto(&base).await.unwrap();
    assert_eq!(c.find(Locator::Css(".counter strong")).await.unwrap().text().await.unwrap(), "11");
    c.find(Locator::LinkText("By origin")).await.unwrap().click().await.unwrap();
    assert!(c.current_url().await.unwrap().as_str().ends_with("/origin/index.html"));
    c.find(Locator::LinkText("Embassy London")).await.unwrap().click().await.unwrap();
    assert!(c.current_url().await.unwrap().as_str().ends_with("/origin/embassy-london_0.html"));
    c.find(Locator::LinkText("09LONDON923")).await.unwrap().click().await.unwrap();
    assert!(c.current_url().await.unwrap().as_str().ends_with("/cable/2009/04/09LONDON923.html"));
    c.find(Locator::Css("#par5 a.pilcrow")).await.unwrap().click().await.unwrap();
    assert!(c.current_url().await.unwrap().as_str().ends_with("/cable/2009/04/09LONDON923.html#par5"));
    let par5 = c.find(Locator::Css("#par5")).await.unwrap().text().await.unwrap();
    assert!(par5.contains("Contacts named in paragraph 3"), "{par5}");
    let png = c.screenshot().await.unwrap();
    // the citation: a paragraph's, behind "Cite a paragraph", and the BibTeX download the page links
    c.find(Locator::Css("section[aria-labelledby=cite] summary")).await.unwrap().click().await.unwrap();
    let cite5 = c.find(Locator::Css("ul.para-cites li:nth-child(5)")).await.unwrap();
    assert!(cite5.is_displayed().await.unwrap());
    assert_eq!(cite5.text().await.unwrap(), "¶5 Embassy London, 09LONDON923, para. 5.");
    let bib = c.find(Locator::Css("section[aria-labelledby=cite] a[href$='.bib']")).await.unwrap();
    let href = bib.prop("href").await.unwrap().expect("an address");
    assert_eq!(href, format!("{base}cable/2009/04/09LONDON923.bib"));
    let body = get(&href).await;
    assert!(body.starts_with("HTTP/1.1 200") && body.contains("@techreport{09LONDON923,"), "{body}");
    c.find(Locator::LinkText("PREL")).await.unwrap().click().await.unwrap();
    assert!(c.current_url().await.unwrap().as_str().ends_with("/tag/PREL_0.html"));
    assert_eq!(c.find(Locator::Css("h1")).await.unwrap().text().await.unwrap(), "Tag: PREL");
    c.close().await.unwrap();

    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/browser");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("09LONDON923-par5.png"), &png).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "a real screenshot");
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

/// A GET of `url` on 127.0.0.1, as a download manager makes it: the whole response.
async fn get(url: &str) -> String {
    let u = url::Url::parse(url).unwrap();
    let (host, path) = (format!("{}:{}", u.host_str().unwrap(), u.port().unwrap()), u.path().to_owned());
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&host).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    })
    .await
    .unwrap()
}
