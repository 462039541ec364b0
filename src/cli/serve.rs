//! `cofinance serve [PATH] [--bind 127.0.0.1:8080]`: the studio in the browser, until Ctrl-C.

use cofinance::serve::{Limits, Studio, app};
use std::fmt::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// A dataset folder (its base and scenarios), a base.toml or a scenario file; the embedded
    /// default dataset when omitted.
    path: Option<PathBuf>,
    /// The address to listen on. The default answers this machine only; another address lets
    /// other machines in (a warning says so). Port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
}

pub(crate) fn run(args: &ServeArgs) -> cofinance::Result<()> {
    let studio = Arc::new(Studio::load(args.path.as_deref())?);
    // A page that fails is answered 500 and logged here; the studio goes on (the other
    // commands stop on a panic, see `cli::main`).
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "erreur interne : {info} ; la page a reçu une erreur 500, le studio continue (défaut de cofinance : merci de le signaler)"
        );
    }));
    // Pages are computed on the blocking pool; more computing threads than twice the cores
    // would only share the same cores and each keep its own memory.
    let computing = std::thread::available_parallelism().map_or(4, |n| n.get() * 2);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(computing)
        .build()
        .map_err(|error| cofinance::Error::Usage {
            subject: cofinance::error::Text::same("serve"),
            reason: cofinance::text!(
                fr: "le serveur ne peut pas démarrer ({error})",
                en: "the server cannot start ({error})";
                error = cofinance::error::Text::from(&error)
            ),
        })?;
    runtime.block_on(serve(studio, args.bind))
}

async fn serve(studio: Arc<Studio>, bind: SocketAddr) -> cofinance::Result<()> {
    let cannot = |error: std::io::Error| cofinance::Error::Usage {
        subject: cofinance::error::Text::same(format!("--bind {bind}")),
        reason: cofinance::text!(
            fr: "impossible d'écouter à cette adresse ({error}) ; choisissez un autre port, par exemple --bind 127.0.0.1:8081",
            en: "cannot listen there ({error}); choose another port, e.g. --bind 127.0.0.1:8081";
            error = cofinance::error::Text::from(&error)
        ),
    };
    let listener = tokio::net::TcpListener::bind(bind).await.map_err(cannot)?;
    let address = listener.local_addr().map_err(cannot)?;
    let dataset = &studio.reference.target.dataset;
    let mut text = format!(
        "Studio cofinance : {} ({} opérations, {} scénario{})\n",
        dataset.name,
        dataset.operations.len(),
        studio.scenarios.len(),
        if studio.scenarios.len() > 1 { "s" } else { "" }
    );
    if address.ip().is_loopback() {
        let _ = writeln!(
            text,
            "Accessible depuis cette machine seulement ({}).",
            address.ip()
        );
    } else {
        eprintln!(
            "attention : le studio écoute sur {address}, d'autres machines du réseau peuvent l'ouvrir ; \
             --bind 127.0.0.1:{} le réserve à cette machine",
            address.port()
        );
    }
    let _ = writeln!(
        text,
        "Ouvrez http://{address}/ dans votre navigateur ; Ctrl-C pour arrêter."
    );
    super::print(&text)?;
    axum::serve(listener, app(studio, Limits::default()))
        .with_graceful_shutdown(stopped())
        .await
        .map_err(|error| cofinance::Error::Usage {
            subject: cofinance::error::Text::same("serve"),
            reason: cofinance::text!(
                fr: "le serveur s'est arrêté ({error})",
                en: "the server stopped ({error})";
                error = cofinance::error::Text::from(&error)
            ),
        })?;
    super::print("Studio arrêté.\n")?;
    Ok(())
}

/// Ctrl-C, or SIGTERM.
async fn stopped() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
