//! The answers that are not a page of results: a bad request (400, naming the parameter and
//! what it accepts), a page that does not exist (404), an internal error (500), a request that
//! took too long (503); and the security headers every answer carries.

use super::pages;
use super::whatif::BadParam;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// The Content-Security-Policy of every answer: the studio's own style sheet and script only
/// (no inline script), no frame, no request but to the studio itself.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The security headers, added to every answer.
pub fn security_headers() -> [(HeaderName, HeaderValue); 4] {
    [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    ]
}

/// Why a request gets no page of results.
#[derive(Debug)]
pub enum Failure {
    /// 400: a parameter that cannot be used.
    BadParam(BadParam),
    /// 400: the request's changes do not make a scenario the engine accepts.
    BadScenario(String),
    /// 404, with what was not found.
    NotFound(String),
    /// 404: the key of a dataset sent through the page that the studio no longer keeps.
    Expired(String),
    /// 500: a failure of the studio itself.
    Internal(String),
}

impl From<BadParam> for Failure {
    fn from(error: BadParam) -> Failure {
        Failure::BadParam(error)
    }
}

impl From<crate::Error> for Failure {
    fn from(error: crate::Error) -> Failure {
        match error {
            error @ (crate::Error::Input(_) | crate::Error::Usage { .. }) => {
                Failure::BadScenario(error.message(crate::fr::Lang::Fr))
            }
            error => Failure::Internal(error.message(crate::fr::Lang::Fr)),
        }
    }
}

impl Failure {
    pub fn status(&self) -> StatusCode {
        match self {
            Failure::BadParam(_) | Failure::BadScenario(_) => StatusCode::BAD_REQUEST,
            Failure::NotFound(_) | Failure::Expired(_) => StatusCode::NOT_FOUND,
            Failure::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The French sentence shown.
    pub fn message(&self) -> String {
        match self {
            Failure::BadParam(error) => format!("Requête refusée : {error}."),
            Failure::BadScenario(error) => {
                format!(
                    "Requête refusée : ces réglages ne forment pas un scénario valable ({error})."
                )
            }
            Failure::NotFound(what) => what.clone(),
            Failure::Expired(key) => format!(
                "Le jeu de données « {} » n'est plus en mémoire : le studio a redémarré, ou l'a oublié pour faire place à d'autres envois. Envoyez vos fichiers de nouveau sur la page Vos données ; les mêmes fichiers redonnent la même adresse.",
                key.get(..12).unwrap_or(key)
            ),
            Failure::Internal(error) => format!(
                "Erreur interne du studio ({error}) ; c'est un défaut de cofinance : merci de le signaler avec l'adresse de la page."
            ),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let title = match self.status() {
            StatusCode::BAD_REQUEST => "Requête refusée",
            StatusCode::NOT_FOUND => "Page introuvable",
            _ => "Erreur interne",
        };
        let page = match &self {
            Failure::Expired(_) => pages::problem_with(
                title,
                &self.message(),
                (super::routes::UPLOAD_PATH, "Envoyer un jeu de données"),
            ),
            _ => pages::problem(title, &self.message()),
        };
        (self.status(), Html(page.into_string())).into_response()
    }
}

/// What a request too large is told.
pub fn too_large_message(limit: usize) -> String {
    format!(
        "l'envoi dépasse {} ; accepté : au plus {} de fichiers par envoi (un classeur ou un CSV plus gros se découpe, ou se sert en dossier : cofinance serve mon-dossier/)",
        mega(limit),
        mega(limit)
    )
}

/// `4 Mo`, `64 Ko`.
fn mega(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} Mo", bytes / (1024 * 1024))
    } else if bytes >= 1024 {
        format!("{} Ko", bytes / 1024)
    } else {
        format!("{bytes} octets")
    }
}

/// The answer to a body announced larger than the page takes (413).
pub fn too_large(limit: usize) -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        Html(
            pages::problem_with(
                "Envoi trop gros",
                &format!("Envoi refusé : {}.", too_large_message(limit)),
                (super::routes::UPLOAD_PATH, "Retour à la page Vos données"),
            )
            .into_string(),
        ),
    )
        .into_response()
}

/// The answer to a handler that panicked: 500, the page says so; the server goes on.
pub fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    Failure::Internal("une page a échoué en cours de calcul".to_owned()).into_response()
}

/// The answer to a request that took longer than the limit.
pub fn timed_out() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(
            pages::problem(
                "Calcul trop long",
                "La demande a dépassé le temps permis et a été abandonnée ; réessayez avec moins de calcul.",
            )
            .into_string(),
        ),
    )
        .into_response()
}
