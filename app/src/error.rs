//! One error type for every server function and route. Errors a user can act on carry a
//! stable snake_case code that the UI translates; validation errors come back field by
//! field so a form re-renders with the user's input intact. Internal causes are logged on
//! the server and never sent to the browser.
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// A user-facing, translatable reason. Adding a variant means adding its text to
/// `locales/{fr,en}.json` (the compiler checks it through `i18n_texts::error_text`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Required,
    TooShort,
    TooLong,
    InvalidFormat,
    InvalidChoice,
    PasswordTooShort,
    PasswordTooCommon,
    PasswordMismatch,
    LoginTaken,
    InvalidCredentials,
    TooManyAttempts,
    RateLimited,
    AccountDisabled,
    InvitationInvalid,
    SetupLinkInvalid,
    Unauthenticated,
    Forbidden,
    NotFound,
    CannotChangeOwnAdmin,
    Suspended,
    InvalidState,
    EditWindowClosed,
    DiscussionLocked,
    AlreadyReported,
    ReplyTooDeep,
    TooFewObjectives,
    ObjectiveNotVotable,
    BallotIncomplete,
    TooManyChoices,
    RoundClosed,
    ReceiptRequired,
    ReceiptInvalid,
    NoProxy,
    ProxyGiven,
    ProxyTaken,
    EndBeforeStart,
    PlaceOrLinkRequired,
    ProxyGiverVoted,
    RoundsStillOpen,
    NotAdopted,
    AlreadyCommitted,
    DateInFuture,
    Internal,
    Network,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// One or more fields are invalid; the form shows each message beside its field.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// A whole-form problem the user can act on.
    #[error("{0:?}")]
    User(ErrorCode),
    /// Something went wrong on our side; details are in the server log only.
    #[error("internal error")]
    Internal,
    /// The request never reached the server function (network, decoding).
    #[error("transport: {0}")]
    Transport(String),
}

impl AppError {
    pub fn field(field: &str, code: ErrorCode) -> Self {
        AppError::Invalid(vec![FieldError { field: field.to_owned(), code }])
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Invalid(fields) => fields.first().map(|f| f.code).unwrap_or(ErrorCode::InvalidFormat),
            AppError::User(code) => *code,
            AppError::Internal => ErrorCode::Internal,
            AppError::Transport(_) => ErrorCode::Network,
        }
    }

    /// The message for `field`, if that field is the one at fault.
    pub fn field_code(&self, field: &str) -> Option<ErrorCode> {
        match self {
            AppError::Invalid(fields) => fields.iter().find(|f| f.field == field).map(|f| f.code),
            _ => None,
        }
    }

    #[cfg(feature = "ssr")]
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::User(ErrorCode::Unauthenticated) => StatusCode::UNAUTHORIZED,
            AppError::User(ErrorCode::Forbidden | ErrorCode::AccountDisabled | ErrorCode::Suspended) => {
                StatusCode::FORBIDDEN
            }
            AppError::User(ErrorCode::NotFound) => StatusCode::NOT_FOUND,
            AppError::User(ErrorCode::TooManyAttempts | ErrorCode::RateLimited) => StatusCode::TOO_MANY_REQUESTS,
            AppError::User(
                ErrorCode::LoginTaken
                | ErrorCode::AlreadyReported
                | ErrorCode::InvalidState
                | ErrorCode::RoundClosed
                | ErrorCode::ProxyTaken
                | ErrorCode::AlreadyCommitted,
            ) => StatusCode::CONFLICT,
            AppError::User(_) => StatusCode::BAD_REQUEST,
            AppError::Internal | AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Collects field errors so a form reports every problem at once, not the first one only.
#[derive(Default)]
pub struct Validator(Vec<FieldError>);

impl Validator {
    pub fn check<T>(&mut self, field: &str, parsed: Result<T, ErrorCode>) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(code) => {
                self.0.push(FieldError { field: field.to_owned(), code });
                None
            }
        }
    }

    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.0))
        }
    }

    /// Every problem at once, or the checked values (`check` gave `Some` for each).
    pub fn finish_with<T: Checked>(self, checked: T) -> Result<T::Values, AppError> {
        self.finish()?;
        // `check` returns `None` only after recording a problem, so this cannot fail.
        checked.values().ok_or(AppError::Internal)
    }
}

/// A tuple of values from `Validator::check`, all present once no problem was recorded.
pub trait Checked {
    type Values;
    fn values(self) -> Option<Self::Values>;
}

macro_rules! checked_tuple {
    ($($t:ident),+) => {
        impl<$($t),+> Checked for ($(Option<$t>,)+) {
            type Values = ($($t,)+);
            #[allow(non_snake_case)]
            fn values(self) -> Option<Self::Values> {
                let ($($t,)+) = self;
                Some(($($t?,)+))
            }
        }
    };
}
checked_tuple!(A);
checked_tuple!(A, B);
checked_tuple!(A, B, C);
checked_tuple!(A, B, C, D);
checked_tuple!(A, B, C, D, E);
checked_tuple!(A, B, C, D, E, F);

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::User(ErrorCode::InvalidFormat),
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = ?err, "database error");
        AppError::Internal
    }
}

/// A plain route's error: its status, and its code as JSON (the same body a server
/// function's error has); the cause stays in the server log.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let body = serde_json::to_string(&self).unwrap_or_default();
        (self.status(), [(http::header::CONTENT_TYPE, "application/json")], body).into_response()
    }
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;

    /// Extension for mapping a named constraint violation to a meaningful error instead of
    /// checking before inserting (which would race).
    pub trait ResultExt<T> {
        /// `names`: the PostgreSQL constraint name and the SQLite wording (`table.column`).
        fn on_constraint(self, names: &[&str], f: impl FnOnce() -> AppError) -> Result<T, AppError>;
    }

    impl<T> ResultExt<T> for Result<T, sqlx::Error> {
        fn on_constraint(self, names: &[&str], f: impl FnOnce() -> AppError) -> Result<T, AppError> {
            self.map_err(|err| match &err {
                sqlx::Error::Database(db) if names.iter().any(|n| is_constraint(db.as_ref(), n)) => f(),
                _ => AppError::from(err),
            })
        }
    }

    fn is_constraint(db: &dyn sqlx::error::DatabaseError, name: &str) -> bool {
        // PostgreSQL names the constraint; SQLite only says which columns were unique.
        db.constraint() == Some(name) || db.message().contains(name)
    }
}
