//! Character sets: conversion to and from UTF-8, RFC 2047 encoded words,
//! modified UTF-7 mailbox names.
