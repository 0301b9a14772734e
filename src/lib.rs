//! kubectl-ds: explain and operate Kubernetes DaemonSets.
//!
//! Layers, from the bottom: [`model`] (compact cluster objects), [`analysis`] (pure decisions),
//! [`render`] (bytes for people and scripts), `cluster` (the only kube client user) and
//! `commands` (fetch → decide → act → print).
#![forbid(unsafe_code)]

pub mod analysis;
pub mod model;
pub mod snapshot;
