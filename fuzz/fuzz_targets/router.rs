//! Any path and query string through the site's `render`, over a publication of the fixture
//! cables: a page or an error page, never a panic, a 500, or a page larger than a bound.
#![no_main]
use libfuzzer_sys::fuzz_target;

thread_local! {
    static BUILD: cablegate_publication::Publication = {
        let setup = cablegate_testkit::Setup::fixtures()
            .release_all("2011-01-01T00:00:00Z")
            .publish("2011-09-01T00:00:00Z");
        let build = setup.open();
        // the data folder stays for the whole run
        std::mem::forget(setup);
        build
    };
}

// the publication is made before the first input (libFuzzer's initialise), so that its making is
// not counted in the first input's time limit
fuzz_target!(init: BUILD.with(|_| ()), |data: &[u8]| {
    let path = String::from_utf8_lossy(data);
    let path = if path.starts_with('/') { path.into_owned() } else { format!("/{path}") };
    BUILD.with(|b| {
        let page = cablegate_site::render(b, &path);
        assert!(page.status != 500, "{path}: a 500");
        assert!(page.body.len() < 8 << 20, "{path}: {} bytes", page.body.len());
    });
});
